package dev.mqttflow.internal

import dev.mqttflow.protocol.Message
import dev.mqttflow.routing.Topics
import java.util.concurrent.ConcurrentHashMap

/**
 * The router's memory of retained messages: which topics had one, and per holder the payload of
 * the last retained message (or later update) it was given. A broker re-sends retained messages
 * whenever a filter is subscribed again, so that a new holder gets them; this is what keeps the
 * holders that already have them from getting them twice.
 */
internal class RetainedTracker<W : Any> {
    private val topics = ConcurrentHashMap.newKeySet<String>()
    private val seen = ConcurrentHashMap<W, ConcurrentHashMap<String, Int>>()

    /** True when retained messages matching [filter] were routed already. */
    fun anyMatching(filter: String): Boolean = topics.any { Topics.matches(filter, it) }

    /**
     * True if [holder] already has [message] (a retained message it was given before). Records
     * retained messages, and later plain updates of their topics. Router coroutine only.
     */
    fun alreadyHas(holder: W, message: Message): Boolean {
        if (topics.isEmpty()) return false
        val hash = message.payload.contentHashCode()
        if (!message.retain) {
            seen[holder]?.computeIfPresent(message.topic) { _, _ -> hash }
            return false
        }
        return seen.getOrPut(holder) { ConcurrentHashMap() }.put(message.topic, hash) == hash
    }

    /** Notes that a retained message on [topic] was routed. */
    fun routed(topic: String) {
        topics += topic
    }

    /** [holder] let go of [filter]: subscribing again later must bring its retained messages again. */
    fun forget(holder: W, filter: String) {
        seen[holder]?.keys?.removeIf { Topics.matches(filter, it) }
    }

    /** [holder] is gone. */
    fun drop(holder: W) {
        seen.remove(holder)
    }
}
