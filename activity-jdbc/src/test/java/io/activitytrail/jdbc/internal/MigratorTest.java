package io.activitytrail.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MigratorTest {
    @Test
    void shouldUseOnlyTheTablePlaceholderSoThatFlywayNeedsOneSetting() {
        Pattern placeholder = Pattern.compile("\\$\\{([^}]*)}");
        for (String script : Migrator.SCRIPTS) {
            Matcher m = placeholder.matcher(Statements.resource(Migrator.LOCATION + script));
            while (m.find()) {
                assertThat(m.group(1)).as("placeholder in %s", script).isEqualTo("table");
            }
        }
    }

    @Test
    void shouldNameScriptsAsFlywayVersionedMigrationsInOrder() {
        for (int i = 0; i < Migrator.SCRIPTS.size(); i++) {
            String script = Migrator.SCRIPTS.get(i);
            assertThat(script).matches("V\\d+__[a-z0-9_]+\\.sql");
            assertThat(Migrator.version(script)).isEqualTo(i + 1);
        }
        assertThat(Migrator.description("V2__create_maintenance_runs.sql")).isEqualTo("create maintenance runs");
    }

    @Test
    void shouldQuoteEveryConfiguredNameInTheStatements() {
        Statements statements = new Statements(new TableNames("Tenant_1", "audit_log"));

        assertThat(statements.get("erase_user")).isEqualTo("DELETE FROM \"Tenant_1\".\"audit_log\" WHERE user_id = :user_id");
        assertThat(statements.get("insert_batch")).contains("\"Tenant_1\".\"audit_log_severity\"[]").doesNotContain("${");
    }
}
