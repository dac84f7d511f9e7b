/**
 * What happened: motion events per camera and cameras going silent, the seams between
 * what finds them (the analysis), where they are kept
 * ({@link dev.udpimage.events.EventStore}, one per backend) and who is told
 * ({@link dev.udpimage.events.EventNotifier}: MQTT, webhooks, the live event stream).
 */
package dev.udpimage.events;
