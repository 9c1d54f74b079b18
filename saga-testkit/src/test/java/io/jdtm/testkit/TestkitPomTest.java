package io.jdtm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** saga-testkit's POM does not hand JUnit or AssertJ to its users' test class paths. */
class TestkitPomTest {
  @Test
  void pom_junitAndAssertj_areOptional() throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Element project = factory.newDocumentBuilder().parse(new File("pom.xml")).getDocumentElement();
    NodeList dependencies = ((Element) project.getElementsByTagName("dependencies").item(0))
        .getElementsByTagName("dependency");

    List<String> optional = new ArrayList<>();
    for (int i = 0; i < dependencies.getLength(); i++) {
      Element dependency = (Element) dependencies.item(i);
      if ("true".equals(text(dependency, "optional"))) {
        optional.add(text(dependency, "artifactId"));
      }
    }

    assertThat(optional).containsExactlyInAnyOrder("junit-jupiter", "assertj-core");
  }

  private static String text(Element element, String tag) {
    NodeList found = element.getElementsByTagName(tag);
    return found.getLength() == 0 ? null : found.item(0).getTextContent().strip();
  }
}
