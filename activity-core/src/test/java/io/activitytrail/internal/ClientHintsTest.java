package io.activitytrail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientHintsTest {
    private static final Map<String, Object> FROZEN_ANDROID = Map.of("browser", "Chrome Mobile", "browser_version", "124",
            "os", "Android", "os_version", "10", "device_type", "mobile", "device", "K");

    @Test
    void shouldTakeTheSpecificBrandAndIgnoreGreaseBrands() {
        assertThat(ClientHints.brand("\"Chromium\";v=\"124\", \"Google Chrome\";v=\"124\", \"Not-A.Brand\";v=\"99\""))
                .containsExactly("Chrome", "124");
        assertThat(ClientHints.brand("\"Not)A;Brand\";v=\"99\", \"Microsoft Edge\";v=\"127\", \"Chromium\";v=\"127\""))
                .containsExactly("Edge", "127");
        assertThat(ClientHints.brand("\"Not A Brand\";v=\"8\", \"Chromium\";v=\"120\"")).containsExactly("Chromium", "120");
        assertThat(ClientHints.brand("\"Brave\";v=\"124.0.1\"")).containsExactly("Brave", "124");
        assertThat(ClientHints.brand("\"Not/A)Brand\";v=\"8\"")).isNull();
        assertThat(ClientHints.brand("garbage")).isNull();
    }

    @Test
    void shouldKnowGreaseBrands() {
        for (String grease : new String[] {"Not A Brand", "Not)A;Brand", "Not/A)Brand", "Not_A Brand", "Not.A/Brand", "Not-A.Brand", "Not A(Brand"}) {
            assertThat(ClientHints.isGrease(grease)).as(grease).isTrue();
        }
        assertThat(ClientHints.isGrease("Opera")).isFalse();
    }

    @Test
    void shouldLetHintsWinOverTheFrozenUserAgent() {
        Map<String, Object> out = ClientHints.apply(FROZEN_ANDROID, Map.of(
                "sec_ch_ua", "\"Google Chrome\";v=\"126\", \"Chromium\";v=\"126\", \"Not.A/Brand\";v=\"24\"",
                "sec_ch_ua_mobile", "?0",
                "sec_ch_ua_platform", "\"Android\""));

        assertThat(out).containsEntry("browser", "Chrome").containsEntry("browser_version", "126")
                .containsEntry("os", "Android").containsEntry("os_version", "10").containsEntry("device_type", "tablet");
    }

    @Test
    void shouldTakeThePlatformAndDropTheVersionOfAnotherSystem() {
        Map<String, Object> out = ClientHints.apply(FROZEN_ANDROID, Map.of("sec_ch_ua_platform", "\"macOS\"", "sec_ch_ua_mobile", "?0"));

        assertThat(out).containsEntry("os", "macOS").doesNotContainKey("os_version").containsEntry("device_type", "desktop");
    }

    @Test
    void shouldFillDeviceInfoFromHintsAlone() {
        Map<String, Object> out = ClientHints.apply(Map.of(), Map.of("sec_ch_ua_mobile", "?1", "sec_ch_ua_platform", "\"Android\""));

        assertThat(out).containsExactlyInAnyOrderEntriesOf(Map.of("os", "Android", "device_type", "mobile"));
    }

    @Test
    void shouldIgnoreMalformedHints() {
        Map<String, Object> out = ClientHints.apply(FROZEN_ANDROID, Map.of("sec_ch_ua", 17, "sec_ch_ua_mobile", "yes",
                "sec_ch_ua_platform", "\"\""));

        assertThat(out).isEqualTo(FROZEN_ANDROID);
    }
}
