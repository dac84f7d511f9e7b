package dev.udpimage.cluster;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.udpimage.support.Commands;
import dev.udpimage.support.Http;
import dev.udpimage.support.MachineLock;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code deploy/local-cluster.sh} driven from a test: PostgreSQL, S3Mock, three
 * instances, the UDP load balancer and nginx for HTTP, in a state directory of the test's
 * own. UDP goes to {@link #NGINX_IMAGES} and {@link #NGINX_LISTS} of any of this
 * machine's addresses (the ports nginx balanced before the kernel did).
 */
public final class LocalCluster implements AutoCloseable {

    public static final int NGINX_IMAGES = 19999;

    public static final int NGINX_LISTS = 19998;

    public static final int NGINX_HTTP = 18088;

    /** S3Mock's port (the script's default). */
    public static final int S3_PORT = 19090;

    private final Path state;

    private final Map<String, String> environment;

    private final MachineLock lock;

    private LocalCluster(Path state, Map<String, String> environment, MachineLock lock) {
        this.state = state;
        this.environment = environment;
        this.lock = lock;
    }

    /**
     * Whether this machine has what the cluster needs (Debian's postgresql and nginx).
     */
    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/sbin/nginx")) && Files.isDirectory(Path.of("/usr/lib/postgresql"));
    }

    public static LocalCluster up(Map<String, String> environment) throws IOException {
        return up(Path.of("target", "cluster-test"), environment);
    }

    /**
     * @param environment for the script and the instances, e.g. UDP_CLUSTER_INSTANCES,
     * UDP_STORE_HISTORY
     */
    public static LocalCluster up(Path stateDirectory, Map<String, String> environment) throws IOException {
        Path state = stateDirectory.toAbsolutePath();
        // one local cluster at a time on this machine (its ports are fixed), whichever
        // test JVM asks: held until close
        MachineLock lock = MachineLock.take("local-cluster");
        LocalCluster cluster = new LocalCluster(state, environment, lock);
        try {
            cluster.script("down"); // whatever an earlier run left
            cluster.script("up");
        }
        catch (IOException | RuntimeException ex) {
            lock.close();
            throw ex;
        }
        return cluster;
    }

    /**
     * An HTTP client of instance {@code n} (1-3), or of nginx (0), with the cluster's
     * credentials.
     */
    public Http http(int n) throws IOException {
        return Http.at("127.0.0.1", n == 0 ? NGINX_HTTP : 18090 + n).basic("admin", password());
    }

    /** The password of user {@code admin}. */
    public String password() throws IOException {
        return Files.readString(this.state.resolve("password")).strip();
    }

    /** What the cluster's bucket holds: key and size of each object. */
    public Map<String, Long> objects() {
        try (S3Client s3 = S3Client.builder()
            .region(Region.US_EAST_1)
            .forcePathStyle(true)
            .endpointOverride(URI.create("http://127.0.0.1:" + S3_PORT))
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("udpimage", "udpimage")))
            .build()) {
            Map<String, Long> objects = new java.util.TreeMap<>();
            s3.listObjectsV2Paginator(request -> request.bucket("udp-images"))
                .contents()
                .forEach(object -> objects.put(object.key(), object.size()));
            return objects;
        }
    }

    public void kill(int n) throws IOException {
        script("kill", String.valueOf(n));
    }

    public void start(int n) throws IOException {
        script("start", String.valueOf(n));
    }

    /** Stops everything; the instances' logs stay in target/cluster-test-logs. */
    @Override
    public void close() throws IOException {
        try (MachineLock held = this.lock) { // released whatever fails here
            Path logs = Path.of("target", "cluster-test-logs");
            Files.createDirectories(logs);
            try (java.util.stream.Stream<Path> files = Files.list(this.state)) {
                for (Path log : files.filter(file -> file.toString().endsWith(".log")).toList()) {
                    Files.copy(log, logs.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            finally {
                script("down");
            }
        }
    }

    private void script(String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", "deploy/local-cluster.sh"));
        command.addAll(List.of(arguments));
        Map<String, String> environment = new HashMap<>(this.environment);
        environment.put("UDP_CLUSTER_STATE", this.state.toString());
        // C1 only: the instances start in two thirds of the time, and keep up with the
        // tests' senders
        environment.putIfAbsent("UDP_CLUSTER_JAVA_OPTIONS", "-XX:TieredStopAtLevel=1");
        Commands.Result result = Commands.run(command, environment, 300);
        if (result.exit() != 0) {
            throw new IOException("local-cluster.sh " + String.join(" ", arguments) + " failed: " + result.output());
        }
    }

}
