package dev.udpimage.api.security;

import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Who the request is: for the viewer, which shows what the user may do. */
@RestController
@Tag(name = "users", description = "Who the request is and what it may do")
class MeController {

    /**
     * The request's user.
     *
     * @param name the user's name ({@code local} in protected mode)
     * @param role {@code viewer}, {@code operator} or {@code admin}
     * @param cameras the cameras it may see (ids and address ranges); empty with
     * {@code allCameras}
     * @param allCameras whether it may see every camera
     * @param maySend whether it may {@code POST /send/*}
     * @param mayAdminister whether it may read the metrics and the receive statistics
     */
    record Me(String name, String role, List<String> cameras, boolean allCameras, boolean maySend,
            boolean mayAdminister) {
    }

    @Operation(operationId = "me", summary = "The request's user: its name, role and cameras")
    @GetMapping("/me")
    Me me() {
        ServiceUser user = CameraScope.user();
        if (user == null) {
            throw new IllegalStateException("an authorized request has a user");
        }
        return new Me(user.name(), user.role().id(), user.cameras().entries(), user.cameras().all(),
                user.role().allows(Role.OPERATOR), user.role().allows(Role.ADMIN));
    }

}
