package io.jdtm.internal;

import io.jdtm.BranchContext;
import io.jdtm.CallResult;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls DTM-style HTTP branches: POST of the encoded payload, with {@code gid}, {@code
 * trans_type}, {@code branch_id} and {@code op} as query parameters; redirects are never
 * followed. Answers: 2xx is SUCCESS unless the JSON body's {@code dtm_result} says FAILURE or
 * ONGOING; 409 is FAILURE; 425 is ONGOING; anything else, or no answer in time, is unknown.
 * Thread-safe.
 */
final class HttpInvoker {
  private static final int MAX_BODY_SHOWN = 200;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpClient client;
  private final String mediaType;

  HttpInvoker(Duration connectTimeout, String mediaType) {
    this.client = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(connectTimeout)
        .build();
    this.mediaType = mediaType;
  }

  /** Calls {@code uri}, waiting at most {@code timeout}. Never throws for call failures. */
  Answer call(URI uri, BranchContext ctx, byte[] payload, Duration timeout) {
    HttpRequest request = HttpRequest.newBuilder(withBranchQuery(uri, ctx))
        .timeout(timeout)
        .header("Content-Type", mediaType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
        .build();
    try {
      HttpResponse<String> response =
          client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return classify(response.statusCode(), response.body());
    } catch (HttpTimeoutException e) {
      return new Answer(CallResult.UNKNOWN, "HTTP call timed out after " + timeout);
    } catch (IOException e) {
      return new Answer(CallResult.UNKNOWN, "HTTP call failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(CallResult.UNKNOWN, "interrupted while calling");
    }
  }

  /** An HTTP answer mapped to a call result. */
  record Answer(CallResult result, String detail) {}

  static Answer classify(int status, String body) {
    if (status == 409) {
      return new Answer(CallResult.FAILURE, "HTTP 409: " + shorten(body));
    }
    if (status == 425) {
      return new Answer(CallResult.ONGOING, null);
    }
    if (status < 200 || status > 299) {
      return new Answer(CallResult.UNKNOWN, "HTTP " + status + ": " + shorten(body));
    }
    String dtmResult = dtmResult(body);
    if ("FAILURE".equals(dtmResult)) {
      return new Answer(CallResult.FAILURE, "dtm_result FAILURE: " + shorten(body));
    }
    if ("ONGOING".equals(dtmResult)) {
      return new Answer(CallResult.ONGOING, null);
    }
    return new Answer(CallResult.SUCCESS, null);
  }

  private static String dtmResult(String body) {
    if (body == null || body.isBlank() || body.charAt(0) != '{' || !body.contains("dtm_result")) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(body).path("dtm_result");
      return node.isString() ? node.stringValue() : null;
    } catch (JacksonException e) {
      return null;
    }
  }

  private static URI withBranchQuery(URI uri, BranchContext ctx) {
    String query = "gid=" + enc(ctx.gid()) + "&trans_type=" + ctx.mode().wireName()
        + "&branch_id=" + enc(ctx.branchId()) + "&op=" + ctx.op().wireName();
    String base = uri.toString();
    return URI.create(base + (uri.getRawQuery() == null ? "?" : "&") + query);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String shorten(String body) {
    if (body == null) {
      return "";
    }
    return body.length() <= MAX_BODY_SHOWN ? body : body.substring(0, MAX_BODY_SHOWN) + "...";
  }
}
