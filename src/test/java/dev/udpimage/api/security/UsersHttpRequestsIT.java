package dev.udpimage.api.security;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.udpimage.support.HttpFiles;

/**
 * {@code http-requests/users.http} kept true: a viewer's and an admin's requests, sent by
 * httpyac with their credentials against the service with users.
 */
@UsersService
class UsersHttpRequestsIT extends UsersTestSupport {

    @Test
    void aViewersAndAnAdminsRequestsAnswerAsTheFileSays() throws IOException {
        HttpFiles.sendAll(List.of("users.http"),
                Map.of("base", "http://127.0.0.1:" + this.httpPort, "listPort", String.valueOf(this.ports.list()),
                        "doorPassword", "door-secret", "doorToken", "door-token-9012", "adminPassword", "admin-secret",
                        "adminToken", "admin-token-1234"),
                0);
    }

}
