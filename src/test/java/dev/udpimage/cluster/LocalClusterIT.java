package dev.udpimage.cluster;

import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.Suite;

/**
 * The local cluster's tests, one after the other in one test JVM. Each starts a cluster
 * of its own ({@link LocalCluster}) on the same fixed ports, one at a time on the
 * machine: run apart, in failsafe's two JVMs, one would wait for the other's. The build
 * runs them only through this suite; {@code -Dit.test=ClusterSendersIT} still runs one
 * alone.
 */
@Suite
@SelectClasses({ CamerasThroughTheBalancerIT.class, ClusterSendersIT.class })
class LocalClusterIT {

}
