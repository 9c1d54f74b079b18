package io.jdtm.peers;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.SagaPropagation;
import org.apache.camel.saga.InMemorySagaService;

/**
 * Camel's saga EIP in memory ({@link InMemorySagaService}): a route opens a saga and calls a step
 * route {@code steps} times; each call joins the saga as a participant with a compensation
 * endpoint and runs a processor that does nothing. Not thread-safe to open and close; {@link #run}
 * is.
 */
final class CamelSaga implements AutoCloseable {
  private final CamelContext camel;
  private final ProducerTemplate template;

  private CamelSaga(CamelContext camel) {
    this.camel = camel;
    this.template = camel.createProducerTemplate();
  }

  static CamelSaga open(int steps) throws Exception {
    CamelContext camel = new DefaultCamelContext();
    camel.addService(new InMemorySagaService());
    camel.addRoutes(routes(steps));
    camel.start();
    return new CamelSaga(camel);
  }

  /** Runs one saga to its completion on the calling thread; throws if it failed. */
  void run(String id) {
    template.sendBody("direct:saga", id);
  }

  @Override
  public void close() throws Exception {
    template.close();
    camel.close();
  }

  private static RouteBuilder routes(int steps) {
    return new RouteBuilder() {
      @Override
      public void configure() {
        var saga = from("direct:saga").saga();
        for (int k = 0; k < steps; k++) {
          saga.to("direct:step");
        }
        from("direct:step").saga().propagation(SagaPropagation.MANDATORY)
            .compensation("direct:undo")
            .process(exchange -> { });
        from("direct:undo").process(exchange -> { });
      }
    };
  }
}
