package io.jdtm.it;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.jdtm.TransactionManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries of {@code docs/design.md}, checked on the classes of every module this one
 * sees (saga-core, store-memory, store-jdbc and its test jar, saga-testkit) and on its own tests:
 * {@code io.jdtm.internal} is saga-core's engine, used only by saga-core's API package {@code
 * io.jdtm}; everything else, the stores above all, uses {@code io.jdtm} and {@code io.jdtm.spi}.
 * A store that needs something of the engine gets it through the SPI (for example {@link
 * io.jdtm.spi.Names}).
 */
class ArchitectureTest {
  private static final String INTERNAL = "io.jdtm.internal..";
  private static final Path ROOT = Path.of(System.getProperty("jdtm.root", ".."))
      .toAbsolutePath().normalize();
  /**
   * Every class of jdtm on the test class path, tests included (archunit.properties: classes
   * outside jdtm are not read, only named).
   */
  private static final JavaClasses ALL = new ClassFileImporter().importPackages("io.jdtm");
  /** The classes a user's project gets: no test classes, no test jars. */
  private static final JavaClasses MAIN = ALL.that(DescribedPredicate.describe("main classes",
      c -> !origin(c).contains("/test-classes/") && !origin(c).contains("-tests.jar")));
  private static final String SAGA_CORE = origin(ALL.get(TransactionManager.class));
  private static final DescribedPredicate<JavaClass> IN_SAGA_CORE = DescribedPredicate.describe(
      "in saga-core", c -> origin(c).equals(SAGA_CORE));

  @Test
  void internal_isUsedOnlyBySagaCoresApiAndEngine() {
    noClasses().that(DescribedPredicate.not(resideInAnyPackage("io.jdtm", INTERNAL)
            .and(IN_SAGA_CORE)).as("are not saga-core's io.jdtm or io.jdtm.internal"))
        .should().dependOnClassesThat().resideInAPackage(INTERNAL)
        .because("io.jdtm.internal is saga-core's engine: other packages and modules use io.jdtm "
            + "and io.jdtm.spi, and what a store needs of the engine moves into the SPI")
        .check(ALL);
  }

  @Test
  void spi_doesNotDependOnInternal() {
    noClasses().that().resideInAPackage("io.jdtm.spi..")
        .should().dependOnClassesThat().resideInAPackage(INTERNAL)
        .because("a store implements the SPI without the engine")
        .check(ALL);
  }

  @Test
  void stores_useOnlyTheApiAndTheSpiOfJdtm() {
    classes().that().resideInAPackage("io.jdtm.store..")
        .should().onlyDependOnClassesThat(resideOutsideOfPackage("io.jdtm..")
            .or(resideInAnyPackage("io.jdtm", "io.jdtm.spi", "io.jdtm.store.."))
            .as("are outside jdtm, in io.jdtm, in io.jdtm.spi or in a store"))
        .check(MAIN);
    slices().matching("io.jdtm.store.(*)..").should().notDependOnEachOther().check(MAIN);
  }

  @Test
  void apiSpiAndEnginePackages_areSagaCoresAlone() {
    classes().that().resideInAnyPackage("io.jdtm", "io.jdtm.spi..", INTERNAL)
        .should(be(IN_SAGA_CORE))
        .because("another module declaring classes there would reach package-private engine code")
        .check(ALL);
  }

  @Test
  void publicEngineClasses_areUsedOutsideTheirPackage() {
    classes().that().resideInAPackage(INTERNAL).and().arePublic().and().areTopLevelClasses()
        .should(new ArchCondition<>("be used outside their package") {
          @Override
          public void check(JavaClass c, ConditionEvents events) {
            boolean used = c.getDirectDependenciesToSelf().stream()
                .anyMatch(d -> !d.getOriginClass().getPackageName().equals(c.getPackageName()));
            if (!used) {
              events.add(SimpleConditionEvent.violated(c, c.getName()
                  + " is public, but only its own package uses it: make it package-private"));
            }
          }
        })
        .check(ALL);
  }

  /**
   * Every public type of the API, the SPI, the stores and the testkit says in its Javadoc whether
   * it is thread-safe (or that it is immutable); a nested type may leave it to a type enclosing
   * it.
   */
  @Test
  void publicTypes_sayWhetherTheyAreThreadSafe() throws IOException {
    List<Path> sourceRoots = sourceRoots();
    List<String> silent = new ArrayList<>();
    int checked = 0;
    for (JavaClass c : MAIN) {
      if (!c.getPackageName().matches("io\\.jdtm(\\.spi|\\.store\\..*|\\.testkit.*)?")
          || !isVisible(c) || c.getSimpleName().equals("package-info")) {
        continue;
      }
      checked++;
      if (!saysWhetherThreadSafe(c, sourceRoots)) {
        silent.add(c.getName());
      }
    }

    assertThat(checked).as("public types checked").isGreaterThan(50);
    assertThat(silent).as("public types whose Javadoc does not say whether they are thread-safe")
        .isEmpty();
  }

  private static final Pattern THREAD_SAFETY =
      Pattern.compile("thread[- ]safe|immutable", Pattern.CASE_INSENSITIVE);

  private static boolean saysWhetherThreadSafe(JavaClass c, List<Path> sourceRoots)
      throws IOException {
    for (JavaClass t = c; t != null; t = t.getEnclosingClass().orElse(null)) {
      if (THREAD_SAFETY.matcher(javadoc(t, sourceRoots)).find()) {
        return true;
      }
    }
    return false;
  }

  /** Whether a user's code can name {@code c}: public, as is every class enclosing it. */
  private static boolean isVisible(JavaClass c) {
    if (!c.getModifiers().contains(JavaModifier.PUBLIC) || c.isAnonymousClass()
        || c.isLocalClass()) {
      return false;
    }
    Optional<JavaClass> outer = c.getEnclosingClass();
    return outer.isEmpty() || isVisible(outer.get());
  }

  /** The Javadoc right before the declaration of {@code c} in its source file; empty if none. */
  private static String javadoc(JavaClass c, List<Path> sourceRoots) throws IOException {
    JavaClass top = c;
    while (top.getEnclosingClass().isPresent()) {
      top = top.getEnclosingClass().get();
    }
    String file = top.getName().replace('.', '/') + ".java";
    Path source = sourceRoots.stream().map(r -> r.resolve(file)).filter(Files::exists)
        .findFirst().orElseThrow(() -> new AssertionError("no source for " + c.getName()));
    String text = Files.readString(source);
    Matcher declaration = Pattern.compile(
        "\\b(class|interface|record|enum|@interface)\\s+" + c.getSimpleName() + "\\b")
        .matcher(text);
    if (!declaration.find()) {
      throw new AssertionError("no declaration of " + c.getSimpleName() + " in " + source);
    }
    String before = text.substring(0, declaration.start());
    int end = before.lastIndexOf("*/");
    int start = before.lastIndexOf("/**", end);
    if (end < 0 || start < 0 || before.substring(end).matches("(?s).*[;{}].*")) {
      return "";
    }
    return before.substring(start, end);
  }

  /** Each module's {@code src/main/java}. */
  private static List<Path> sourceRoots() throws IOException {
    try (Stream<Path> modules = Files.list(ROOT)) {
      return modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory).toList();
    }
  }

  /**
   * Where {@code c} was loaded from: its jar or class directory, as a URI prefix.
   */
  private static String origin(JavaClass c) {
    String uri = c.getSource().map(s -> s.getUri().toString()).orElse("?");
    String suffix = c.getName().replace('.', '/') + ".class";
    return uri.endsWith(suffix) ? uri.substring(0, uri.length() - suffix.length()) : uri;
  }

  private static ArchCondition<JavaClass> be(DescribedPredicate<JavaClass> predicate) {
    return new ArchCondition<>("be " + predicate.getDescription()) {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        if (!predicate.test(c)) {
          events.add(SimpleConditionEvent.violated(c, c.getName() + " is not "
              + predicate.getDescription() + " but in " + origin(c)));
        }
      }
    };
  }
}
