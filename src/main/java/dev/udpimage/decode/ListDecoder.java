package dev.udpimage.decode;

import org.springframework.stereotype.Component;

import dev.udpimage.protocol.Rejection;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Parses a list-port datagram with Jackson: any JSON value the tutorial's
 * {@code json.dumps} can produce.
 */
@Component
public class ListDecoder {

    private final JsonMapper jsonMapper;

    public ListDecoder(JsonMapper jsonMapper) {
        this.jsonMapper = jsonMapper;
    }

    /**
     * @throws Rejection (INVALID_JSON) for empty input, bad UTF-8, malformed or over-deep
     * JSON
     */
    public JsonNode decode(byte[] datagram) {
        JsonNode value;
        try {
            value = this.jsonMapper.readTree(datagram);
        }
        catch (JacksonException ex) {
            throw new Rejection(Rejection.Reason.INVALID_JSON, "invalid JSON",
                    "invalid JSON: " + ex.getOriginalMessage(), ex);
        }
        if (value == null || value.isMissingNode()) {
            throw new Rejection(Rejection.Reason.INVALID_JSON, "invalid JSON", "invalid JSON: empty datagram", null);
        }
        return value;
    }

}
