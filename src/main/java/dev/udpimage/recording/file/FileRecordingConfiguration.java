package dev.udpimage.recording.file;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

import dev.udpimage.disk.DiskHealth;
import dev.udpimage.recording.EventFootage;
import dev.udpimage.recording.Recorder;
import dev.udpimage.recording.RecordingConditions;
import dev.udpimage.recording.RecordingProperties;
import dev.udpimage.recording.RecordingReader;
import dev.udpimage.store.CameraKey;
import dev.udpimage.store.StoreProperties;
import tools.jackson.databind.json.JsonMapper;

/**
 * The file backend's recording ({@code udp.store.backend=file}, a store directory, and
 * the recording on): its writing side for the store, its reading side for the API.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(RecordingConditions.OnFile.class)
public class FileRecordingConfiguration {

    @Bean
    FileRecording fileRecording(RecordingProperties settings, StoreProperties store, CameraKey cameras, JsonMapper json,
            MeterRegistry registry, DiskHealth health, ObjectProvider<EventFootage> footage) {
        return new FileRecording(settings, store, cameras, json, registry, health,
                () -> EventFootage.kept(footage.getIfAvailable(), settings));
    }

    @Bean
    Recorder recorder(FileRecording recording) {
        return recording.recorder();
    }

    @Bean
    RecordingReader recordingReader(FileRecording recording) {
        return recording.reader();
    }

}
