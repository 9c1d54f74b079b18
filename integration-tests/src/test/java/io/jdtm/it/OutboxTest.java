package io.jdtm.it;

import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

@ParameterizedClass(name = "{0}")
@MethodSource("io.jdtm.it.OutboxDb#local")
class OutboxTest extends OutboxCases {}
