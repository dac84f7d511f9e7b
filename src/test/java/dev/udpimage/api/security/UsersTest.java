package dev.udpimage.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

class UsersTest {

    private static final String DOOR_HASH = "{bcrypt}" + new BCryptPasswordEncoder(4).encode("door-secret");

    private final Users users = new Users(new SecurityProperties("admin", "admin-secret", "service-token",
            Map.of("door", new SecurityProperties.User(DOOR_HASH, List.of(Role.VIEWER), List.of("127.0.0.80/31"), null),
                    "robot",
                    new SecurityProperties.User(null, List.of(Role.VIEWER, Role.OPERATOR), List.of(), "robot-token")),
            new SecurityProperties.SignIn(10, Duration.ofMinutes(5), 4096)));

    @Test
    void theSingleCredentialsAreAnAdminOfEveryCamera() {
        ServiceUser admin = this.users.byPassword("admin", "admin-secret").orElseThrow();
        assertThat(admin.role()).isEqualTo(Role.ADMIN);
        assertThat(admin.cameras().all()).isTrue();
        assertThat(this.users.byToken("service-token").orElseThrow().role()).isEqualTo(Role.ADMIN);
    }

    @Test
    void aBcryptHashIsTakenAsItIsAndItsCamerasApply() {
        ServiceUser door = this.users.byPassword("door", "door-secret").orElseThrow();
        assertThat(door.role()).isEqualTo(Role.VIEWER);
        assertThat(door.cameras().allows("127.0.0.81")).isTrue();
        assertThat(door.cameras().allows("127.0.0.82")).isFalse();
        // the second time from the verified cache: the same answer, and a wrong one still
        // refused
        assertThat(this.users.byPassword("door", "door-secret")).contains(door);
        assertThat(this.users.byPassword("door", "door-secreT")).isEmpty();
        assertThat(this.users.byPassword("door", DOOR_HASH)).as("the hash is not a password").isEmpty();
    }

    @Test
    void aUserWithATokenOnlyHasTheHighestOfItsRoles() {
        ServiceUser robot = this.users.byToken("robot-token").orElseThrow();
        assertThat(robot.name()).isEqualTo("robot");
        assertThat(robot.role()).isEqualTo(Role.OPERATOR);
        assertThat(this.users.byPassword("robot", "robot-token")).as("no password configured").isEmpty();
    }

    @Test
    void wrongOrMissingCredentialsFindNoOne() {
        assertThat(this.users.byPassword("admin", "admin-secret ")).isEmpty();
        assertThat(this.users.byPassword("nobody", "admin-secret")).isEmpty();
        assertThat(this.users.byPassword(null, "x")).isEmpty();
        assertThat(this.users.byToken("")).isEmpty();
        assertThat(this.users.byToken(null)).isEmpty();
        assertThat(this.users.byToken("robot-token2")).isEmpty();
        assertThat(this.users.size()).as("admin, door, and two tokens").isEqualTo(4);
    }

}
