package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class UrlSecretsTest {
  @Test
  void of_userInfoWithAtSignAndEncoding_movedToPropertiesUrlKeepsTheRest() {
    UrlSecrets s = UrlSecrets.of("jdbc:postgresql://app:p%40ss@w0rd@db:5432/x?ssl=true", null,
        null);

    assertThat(s.url()).isEqualTo("jdbc:postgresql://db:5432/x?ssl=true");
    assertThat(s.properties()).containsExactlyInAnyOrderEntriesOf(
        Map.of("user", "app", "password", "p@ss@w0rd"));
    assertThat(s.values()).contains("p@ss@w0rd");
  }

  @Test
  void of_passwordLikeQueryParameters_movedOutOtherParametersStayInOrder() {
    UrlSecrets s = UrlSecrets.of(
        "jdbc:mariadb://db/x?user=app&password=pw1&useSsl=true&trustStorePassword=pw2", null, null);

    assertThat(s.url()).isEqualTo("jdbc:mariadb://db/x?user=app&useSsl=true");
    assertThat(s.properties()).containsEntry("password", "pw1")
        .containsEntry("trustStorePassword", "pw2").doesNotContainKey("user");
    assertThat(s.values()).contains("pw1", "pw2");
  }

  @Test
  void of_encodedParameterValue_decodedForPostgresOnlyAsItsDriverDoes() {
    assertThat(UrlSecrets.of("jdbc:postgresql://db/x?password=p%40ss", null, null).properties())
        .containsEntry("password", "p@ss");
    assertThat(UrlSecrets.of("jdbc:mariadb://db/x?password=p%40ss", null, null).properties())
        .containsEntry("password", "p%40ss");
  }

  @Test
  void of_onlySecretParameters_urlLosesTheQuestionMark() {
    assertThat(UrlSecrets.of("jdbc:postgresql://db/x?sslpassword=k", null, null).url())
        .isEqualTo("jdbc:postgresql://db/x");
  }

  @Test
  void of_h2PasswordSetting_movedOutOtherSettingsStay() {
    UrlSecrets s = UrlSecrets.of("jdbc:h2:./data/db;USER=sa;PASSWORD=pw;PASSWORD_HASH=FALSE",
        null, null);

    assertThat(s.url()).isEqualTo("jdbc:h2:./data/db;USER=sa;PASSWORD_HASH=FALSE");
    assertThat(s.properties()).containsExactlyEntriesOf(Map.of("password", "pw"));
  }

  @Test
  void of_credentialsAndUrlPassword_urlWinsBothAreSecrets() {
    UrlSecrets s = UrlSecrets.of("jdbc:mariadb://root:fromUrl@db/x", "other", "given");

    assertThat(s.properties()).containsEntry("user", "root").containsEntry("password", "fromUrl");
    assertThat(s.values()).contains("fromUrl", "given");
  }

  @Test
  void connectionProperties_driverSettingsKeptSecretsAdded() {
    Properties extra = new Properties();
    extra.setProperty("socketTimeout", "30");

    Properties p = UrlSecrets.of("jdbc:postgresql://db/x?password=pw", "app", null)
        .connectionProperties(extra);

    assertThat(p).containsEntry("socketTimeout", "30").containsEntry("password", "pw")
        .containsEntry("user", "app");
  }
}
