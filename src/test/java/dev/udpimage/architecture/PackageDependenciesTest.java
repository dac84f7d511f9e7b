package dev.udpimage.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service's packages, as the JDK's {@code jdeps} reads them from the compiled
 * classes: no cycle of any length, and dependencies that point one way (API → store /
 * flows → protocol; docs/design.md has the map).
 */
class PackageDependenciesTest {

    private static final String ROOT = "dev.udpimage";

    private static final Pattern EDGE = Pattern.compile(
            "^\\s+(" + Pattern.quote(ROOT) + "[\\w.]*)\\s+->\\s+(" + Pattern.quote(ROOT) + "[\\w.]*)",
            Pattern.MULTILINE);

    private static Map<String, Set<String>> graph;

    @BeforeAll
    static void readClasses() {
        Path classes = Path.of("target/classes");
        assertThat(Files.isDirectory(classes)).as("compiled classes in " + classes.toAbsolutePath()).isTrue();
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int exit = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:package", "-filter:none",
                classes.toString());
        assertThat(exit).as(out.toString()).isZero();
        graph = new TreeMap<>();
        Matcher edge = EDGE.matcher(out.toString());
        while (edge.find()) {
            graph.computeIfAbsent(edge.group(1), p -> new TreeSet<>());
            if (!edge.group(1).equals(edge.group(2))) {
                graph.get(edge.group(1)).add(edge.group(2));
            }
        }
        assertThat(graph).as("jdeps found the project's packages").containsKeys(ROOT + ".protocol", ROOT + ".api");
    }

    @Test
    void noPackageCycles() {
        assertThat(cycles()).as("package cycles in " + graph).isEmpty();
    }

    @Test
    void theWireProtocolDependsOnNothingOfTheService() {
        assertThat(dependencies(ROOT + ".protocol")).allMatch(p -> p.startsWith(ROOT + ".protocol"));
    }

    @Test
    void theStoreKnowsNeitherTheFlowsNorTheApi() {
        assertThat(dependencies(ROOT + ".store"))
            .noneMatch(p -> p.startsWith(ROOT + ".flow") || p.startsWith(ROOT + ".api") || p.startsWith(ROOT + ".udp"));
        assertThat(dependencies(ROOT + ".store.file"))
            .noneMatch(p -> p.startsWith(ROOT + ".flow") || p.startsWith(ROOT + ".api") || p.startsWith(ROOT + ".udp"));
    }

    /** The backends: what implements the store's and the recording's seams. */
    private static final List<String> BACKENDS = List.of(ROOT + ".store.file", ROOT + ".store.cluster",
            ROOT + ".recording.file");

    @Test
    void noBackendIsImportedOutsideItsOwnPackage() {
        // Spring finds their beans; the seams (store, recording) are what everyone else
        // uses
        graph.forEach((pkg, dependencies) -> assertThat(dependencies).as(pkg)
            .allMatch(d -> !BACKENDS.contains(d) || d.equals(pkg)));
    }

    @Test
    void theRecordingsCoreDependsOnTheStoresSeamAlone() {
        for (String core : List.of(ROOT + ".recording", ROOT + ".recording.format", ROOT + ".recording.retention")) {
            assertThat(dependencies(core)).as(core)
                .allMatch(d -> d.equals(ROOT + ".store") || d.startsWith(ROOT + ".recording") && !BACKENDS.contains(d)
                        && !d.equals(ROOT + ".recording.export"));
        }
        assertThat(dependencies(ROOT + ".recording.retention")).as("retention decides from listings alone").isEmpty();
    }

    @Test
    void whatTheFileBackendWritesWithKnowsNoBackend() {
        assertThat(dependencies(ROOT + ".disk")).allMatch(d -> d.equals(ROOT + ".store"));
    }

    @Test
    void nothingDependsOnTheApplicationsOwnPackage() {
        // each part binds its own settings: nobody reads a settings class of the root
        graph.forEach((pkg, dependencies) -> assertThat(dependencies).as(pkg).doesNotContain(ROOT));
    }

    @Test
    void onlyTheApiKnowsHttp() {
        graph.keySet()
            .stream()
            .filter(p -> !p.startsWith(ROOT + ".api"))
            .forEach(p -> assertThat(dependencies(p)).as(p).noneMatch(d -> d.startsWith(ROOT + ".api")));
    }

    private static Set<String> dependencies(String pkg) {
        return graph.getOrDefault(pkg, Set.of());
    }

    /** Strongly connected components of more than one package (Tarjan). */
    private static List<Set<String>> cycles() {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new HashSet<>();
        List<Set<String>> cycles = new ArrayList<>();
        for (String pkg : graph.keySet()) {
            if (!index.containsKey(pkg)) {
                visit(pkg, index, low, stack, onStack, cycles);
            }
        }
        return cycles;
    }

    private static void visit(String v, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
            Set<String> onStack, List<Set<String>> cycles) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        onStack.add(v);
        for (String w : dependencies(v)) {
            if (!index.containsKey(w)) {
                visit(w, index, low, stack, onStack, cycles);
                low.put(v, Math.min(low.get(v), low.get(w)));
            }
            else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            }
            while (!w.equals(v));
            if (component.size() > 1) {
                cycles.add(component);
            }
        }
    }

}
