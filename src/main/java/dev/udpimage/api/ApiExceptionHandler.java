package dev.udpimage.api;

import java.util.stream.Collectors;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import dev.udpimage.send.SendException;

/**
 * Every MVC error as RFC 9457 problem+json (Spring's standard handler), with two changes:
 * a parameter that fails validation is named in the detail, and an upload over
 * {@code udp.transfer.max-image-bytes} is a 413 that says so. The control plane's
 * {@link SendException}s get their HTTP status here: 400 for a request that cannot be
 * sent, 403 for a target outside the allow-list, 504 when the peer did not answer in
 * time, 502 when it or the network refused.
 */
@RestControllerAdvice
public class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String detail = ex.getParameterValidationResults()
            .stream()
            .flatMap(result -> result.getResolvableErrors()
                .stream()
                .map(error -> result.getMethodParameter().getParameterName() + ": " + error.getDefaultMessage()))
            .collect(Collectors.joining("; "));
        ProblemDetail problem = ex.getBody();
        problem.setDetail(detail.isEmpty() ? "invalid request parameters" : detail);
        return handleExceptionInternal(ex, problem, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleMaxUploadSizeExceededException(MaxUploadSizeExceededException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE,
                "upload larger than the maximum image size (" + ex.getMaxUploadSize() + " bytes)");
        problem.setTitle("Image too large");
        return handleExceptionInternal(ex, problem, headers, HttpStatus.CONTENT_TOO_LARGE, request);
    }

    @ExceptionHandler(SendException.class)
    ResponseEntity<Object> handleSendException(SendException ex, WebRequest request) {
        HttpStatus status = statusOf(ex);
        ErrorResponseException problem = Problems.of(status, ex.title(), ex.getMessage(), ex);
        return handleErrorResponseException(problem, problem.getHeaders(), status, request);
    }

    static HttpStatus statusOf(SendException ex) {
        if (ex instanceof SendException.Invalid) {
            return HttpStatus.BAD_REQUEST;
        }
        if (ex instanceof SendException.TargetNotAllowed) {
            return HttpStatus.FORBIDDEN;
        }
        if (ex instanceof SendException.NoReply) {
            return HttpStatus.GATEWAY_TIMEOUT;
        }
        return HttpStatus.BAD_GATEWAY;
    }

}
