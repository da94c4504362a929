package dev.mqttflow.internal

import dev.mqttflow.layer.ChannelLayer
import dev.mqttflow.layer.LayerMessage
import dev.mqttflow.protocol.ChannelSend
import dev.mqttflow.protocol.GroupSend

/**
 * The layer as a worker sees it: sends go through [WorkerHost.perform] (so the test kit sees them
 * as actions), and the groups its own channel joins are remembered, to leave them when it stops.
 */
internal class WorkerLayer(
    private val worker: Worker,
    private val host: WorkerHost,
    private val groups: MutableSet<String>,
) : ChannelLayer by host.layer {
    override suspend fun send(channel: String, message: LayerMessage) {
        host.perform(worker, ChannelSend(channel, message))
    }

    override suspend fun groupSend(group: String, message: LayerMessage) {
        host.perform(worker, GroupSend(group, message))
    }

    override suspend fun groupAdd(group: String, channel: String) {
        host.layer.groupAdd(group, channel)
        if (channel == worker.channelName) groups += group
    }

    override suspend fun groupDiscard(group: String, channel: String) {
        host.layer.groupDiscard(group, channel)
        if (channel == worker.channelName) groups -= group
    }

    override fun close() {
        // the runtime's layer is closed by whoever created it, not by a worker
    }
}
