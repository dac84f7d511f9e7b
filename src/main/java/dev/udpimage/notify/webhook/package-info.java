/**
 * Webhooks: motion events and cameras going on- and offline POSTed as signed JSON to the
 * hooks in {@code udp.events.webhooks}, off the events' thread, only to hosts within
 * {@code udp.events.webhook-targets}. Nothing depends on this package: Spring finds its
 * {@link dev.udpimage.events.EventNotifier}.
 */
package dev.udpimage.notify.webhook;
