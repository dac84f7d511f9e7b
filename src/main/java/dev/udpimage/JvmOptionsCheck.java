package dev.udpimage;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Says once at start, in one log line, when the JVM runs without the options of
 * {@code jvm.options} (the file {@code mvn spring-boot:run}, the Dockerfile and the
 * benchmark start it with), and how to get them: the service works without them, but
 * large images are then more likely lost in a burst (docs/operations.md).
 */
@Component
public class JvmOptionsCheck {

    private static final Logger log = LoggerFactory.getLogger(JvmOptionsCheck.class);

    static final String FILE = "jvm.options";

    @EventListener(ApplicationReadyEvent.class)
    void check() {
        List<String> missing = missing(tuned(), ManagementFactory.getRuntimeMXBean().getInputArguments());
        if (!missing.isEmpty()) {
            log.info("The JVM runs without the tuned options of jvm.options (missing {}): start it with "
                    + "`java @jvm.options -jar target/udp-image-service-*.jar` or `mvn spring-boot:run`; "
                    + "docs/operations.md says why", String.join(" ", missing));
        }
    }

    /** The options of {@code jvm.options} (on the class path), without its comments. */
    static List<String> tuned() {
        try (InputStream in = JvmOptionsCheck.class.getClassLoader().getResourceAsStream(FILE)) {
            return in == null ? List.of() : parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        catch (IOException ex) {
            return List.of();
        }
    }

    /**
     * Options of a java launcher argument file: whitespace-separated, {@code #} to the
     * end of a line a comment.
     */
    public static List<String> parse(String argumentFile) {
        List<String> options = new ArrayList<>();
        for (String line : argumentFile.split("\n")) {
            int comment = line.indexOf('#');
            String text = (comment >= 0 ? line.substring(0, comment) : line).strip();
            if (!text.isEmpty()) {
                options.addAll(List.of(text.split("\\s+")));
            }
        }
        return options;
    }

    /**
     * The tuned options the JVM runs without. A heap sized as a share of the machine's or
     * container's memory ({@code -XX:MaxRAMPercentage}, deploy/jvm.container.options)
     * stands for the fixed {@code -Xms}/{@code -Xmx}.
     */
    static List<String> missing(List<String> tuned, List<String> running) {
        boolean heapByShare = running.stream().anyMatch(option -> option.startsWith("-XX:MaxRAMPercentage="));
        return tuned.stream()
            .filter(option -> !running.contains(option))
            .filter(option -> !(heapByShare && (option.startsWith("-Xms") || option.startsWith("-Xmx"))))
            .toList();
    }

}
