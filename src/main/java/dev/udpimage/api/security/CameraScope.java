package dev.udpimage.api.security;

import java.util.function.Predicate;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.udpimage.api.Problems;

/**
 * The cameras the request's user may see, for the controllers: everywhere a camera's data
 * can leave, lists are filtered by it and a camera outside it is a 404, as if it did not
 * exist. Read on the request's thread; streams take it when they open. A request without
 * a user sees no camera.
 */
public final class CameraScope {

    private CameraScope() {
    }

    /** The request's user, or null. */
    public static ServiceUser user() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication != null && authentication.getPrincipal() instanceof ServiceUser user ? user : null;
    }

    /** The cameras the request's user may see. */
    public static CameraSet current() {
        ServiceUser user = user();
        return user == null ? CameraSet.NONE : user.cameras();
    }

    /** Whether the request's user may see the camera (a camera id). */
    public static Predicate<String> visible() {
        return current()::allows;
    }

    /**
     * @throws org.springframework.web.ErrorResponseException 404 when the user may not
     * see the camera, worded as when it does not exist
     */
    public static void require(String camera, String whatIsMissing) {
        if (!current().allows(camera)) {
            throw Problems.notFound(whatIsMissing);
        }
    }

}
