package io.jdtm.it;

import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

@ParameterizedClass(name = "{0} + {1}")
@MethodSource("io.jdtm.it.ScenarioCallerTransactionCases#servers")
class ScenarioCallerTransactionIT extends ScenarioCallerTransactionCases {}
