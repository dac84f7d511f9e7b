/**
 * Motion events to an MQTT broker ({@code udp.mqtt.*}), with Home Assistant's discovery:
 * an {@link dev.udpimage.events.EventNotifier} that never blocks the events' thread, and
 * keeps what waits for the broker within bounds. Nothing depends on this package.
 */
package dev.udpimage.notify.mqtt;
