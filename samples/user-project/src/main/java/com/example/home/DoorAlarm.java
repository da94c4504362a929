package com.example.home;

import dev.mqttflow.consumer.BlockingConsumer;
import dev.mqttflow.consumer.BlockingContext;
import dev.mqttflow.protocol.Message;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Raises an alert on {@code home/alerts/door} when a door stays open longer than {@code alertAfter}. */
public final class DoorAlarm extends BlockingConsumer {
    private final Duration alertAfter;
    private final Map<String, BlockingContext.Scheduled> timers = new HashMap<>();

    public DoorAlarm(Duration alertAfter) {
        super("door-alarm");
        this.alertAfter = alertAfter;
    }

    @Override
    public void onConnect(BlockingContext context) {
        context.subscribe("home/+/contact", 1);
    }

    @Override
    public void onMessage(BlockingContext context, Message message) {
        String door = message.getTopic().split("/")[1];
        BlockingContext.Scheduled pending = timers.remove(door);
        if (pending != null) pending.cancel();
        if (message.getText().equals("open")) {
            String alert = door + " is open";
            timers.put(door, context.schedule(alertAfter, later -> later.publish("home/alerts/door", alert, 1)));
        }
    }
}
