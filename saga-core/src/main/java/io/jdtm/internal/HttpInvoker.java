package io.jdtm.internal;

import io.jdtm.BranchContext;
import io.jdtm.CallResult;
import io.jdtm.spi.BranchRecord;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Calls DTM-style HTTP branches asynchronously: POST of the encoded payload (GET, without a body,
 * for a message's check-back), with {@code gid}, {@code trans_type}, {@code branch_id} and {@code
 * op} as query parameters; redirects are never
 * followed; the whole exchange, body included, is bounded by the request timeout and at most
 * {@value #MAX_BODY} bytes of the answer are read. Answers follow DTM: status 425 or a body
 * containing {@code ONGOING} is ONGOING; 409 or a body containing {@code FAILURE} is FAILURE;
 * another 2xx is SUCCESS; anything else is unknown. One HTTP client is shared by every manager in
 * the JVM and created on first use. Thread-safe.
 */
final class HttpInvoker {
  /** Largest answer body read; the rest is discarded. */
  static final int MAX_BODY = 64 * 1024;
  private static final int MAX_BODY_SHOWN = 200;

  private final String mediaType;

  HttpInvoker(String mediaType) {
    this.mediaType = mediaType;
  }

  /** The shared client, created on first use. */
  private static final class Client {
    static final HttpClient INSTANCE = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(30))
        .build();
  }

  /** Starts a call to {@code uri}; never throws for call failures. */
  PendingCall start(BranchRecord branch, URI uri, BranchContext ctx, Duration timeout) {
    HttpRequest request;
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(withBranchQuery(uri, ctx)).timeout(timeout);
      request = ctx.op() == io.jdtm.BranchOp.MSG
          ? b.GET().build() // a message's check-back, as DTM's queryPrepared
          : b.header("Content-Type", mediaType)
              .POST(HttpRequest.BodyPublishers.ofByteArray(branch.payload())).build();
    } catch (RuntimeException e) {
      return PendingCall.done(new Call(branch, CallResult.FAILURE,
          "unusable HTTP target: " + e.getMessage()));
    }
    CompletableFuture<HttpResponse<String>> exchange;
    try {
      exchange = Client.INSTANCE.sendAsync(request, info -> CappedBody.of(MAX_BODY));
    } catch (RuntimeException e) {
      return PendingCall.done(new Call(branch, CallResult.UNKNOWN, "HTTP call failed: " + e));
    }
    CompletableFuture<Call> result = exchange.handle((response, error) -> error == null
        ? toCall(branch, classify(response.statusCode(), response.body()), response.body())
        : new Call(branch, CallResult.UNKNOWN, describe(error, timeout), null, cause(error)));
    return new PendingCall(branch, result, () -> exchange.cancel(true));
  }

  private static Call toCall(BranchRecord branch, Answer answer, String body) {
    return answer.result() == CallResult.SUCCESS
        ? new Call(branch, CallResult.SUCCESS, null, body)
        : new Call(branch, answer.result(), answer.detail());
  }

  private static Throwable cause(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause() : error;
  }

  private static String describe(Throwable error, Duration timeout) {
    Throwable cause = cause(error);
    if (cause instanceof HttpTimeoutException) {
      return "HTTP call timed out after " + timeout;
    }
    return "HTTP call failed: " + cause;
  }

  /** An HTTP answer mapped to a call result. */
  record Answer(CallResult result, String detail) {}

  static Answer classify(int status, String body) {
    String text = body == null ? "" : body;
    if (status == 425 || text.contains("ONGOING")) {
      return new Answer(CallResult.ONGOING, null);
    }
    if (status == 409 || text.contains("FAILURE")) {
      return new Answer(CallResult.FAILURE, "HTTP " + status + ": " + shorten(text));
    }
    if (status < 200 || status > 299) {
      return new Answer(CallResult.UNKNOWN, "HTTP " + status + ": " + shorten(text));
    }
    return new Answer(CallResult.SUCCESS, null);
  }

  private static URI withBranchQuery(URI uri, BranchContext ctx) {
    String query = "gid=" + enc(ctx.gid()) + "&trans_type=" + ctx.mode().wireName()
        + "&branch_id=" + enc(ctx.branchId()) + "&op=" + ctx.op().wireName();
    return URI.create(uri + (uri.getRawQuery() == null ? "?" : "&") + query);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String shorten(String body) {
    return body.length() <= MAX_BODY_SHOWN ? body : body.substring(0, MAX_BODY_SHOWN) + "...";
  }
}
