package dev.udpimage.api.recordings;

import java.util.Locale;

import org.springframework.http.HttpStatus;

import dev.udpimage.api.Problems;
import dev.udpimage.recording.export.VideoExport;

/** The video container a request asks for, or the problem it gets. */
public final class VideoFormats {

    private VideoFormats() {
    }

    /**
     * @param format {@code mkv} or {@code mp4}, any case
     * @param choices what the request may ask for, for the 400's text
     * @throws org.springframework.web.ErrorResponseException 400 for another format, 501
     * for MP4 without ffmpeg
     */
    public static VideoExport.Format of(String format, String choices) {
        VideoExport.Format container;
        try {
            container = VideoExport.Format.valueOf(format.toUpperCase(Locale.ROOT));
        }
        catch (IllegalArgumentException ex) {
            throw Problems.badRequest("format must be " + choices);
        }
        if (container == VideoExport.Format.MP4 && !VideoExport.mp4Available()) {
            throw Problems.of(HttpStatus.NOT_IMPLEMENTED, "MP4 needs ffmpeg",
                    "MP4 export remuxes with ffmpeg, which is not on this machine's PATH; format=mkv needs nothing");
        }
        return container;
    }

}
