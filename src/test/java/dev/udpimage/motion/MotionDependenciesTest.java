package dev.udpimage.motion;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The motion package needs nothing but the JDK (no Spring, nothing else of the service),
 * as the JDK's {@code jdeps} reads it from the compiled classes: it can be used, and
 * tested, on its own.
 */
class MotionDependenciesTest {

    private static final Pattern EDGE = Pattern.compile("^\\s+dev\\.udpimage\\.motion\\s+->\\s+(\\S+)",
            Pattern.MULTILINE);

    @Test
    void onlyTheJdk() {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int exit = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:package", "-filter:none",
                Path.of("target/classes/dev/udpimage/motion").toString());
        assertThat(exit).as(out.toString()).isZero();
        Set<String> packages = new TreeSet<>();
        Matcher edge = EDGE.matcher(out.toString());
        while (edge.find()) {
            packages.add(edge.group(1));
        }

        assertThat(packages).as(out.toString())
            .contains("javax.imageio")
            .allMatch((name) -> name.startsWith("java.") || name.startsWith("javax.")
                    || name.equals("dev.udpimage.motion"));
    }

}
