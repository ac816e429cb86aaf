package io.activitytrail.spring;

import io.activitytrail.OverflowPolicy;
import io.activitytrail.PrivacyPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code activity.*} properties of the auto-configuration. Defaults are those of the builders
 * they feed ({@code ActivityTrail.Builder}, {@code JdbcActivityStore.Builder},
 * {@code PrivacyPolicy.Builder}, {@code FilterSettings.Builder}, {@code ApiSettings.Builder}).
 */
@ConfigurationProperties(prefix = "activity")
public class ActivityTrailProperties {
    /** Whether ActivityTrail is configured at all. */
    private boolean enabled = true;
    /** The activity table. */
    private String table = "user_activity_logs";
    /** The schema of the table; the connection's search path when unset. */
    private String schema;
    /** Whether the store creates and migrates its schema at startup. */
    private boolean migrate = true;
    /** Activities per batch insert. */
    private int batchSize = 500;
    /** How often the writer flushes a partial batch. */
    private Duration flushInterval = Duration.ofMillis(200);
    /** Activities the in-memory queue holds. */
    private int queueCapacity = 100_000;
    /** User agents whose parsed device info the writer keeps, so that each is parsed once (0 to 1,000,000). */
    private int deviceCacheSize = 10_000;
    /** What log() does when the queue is full. */
    private OverflowPolicy overflow = OverflowPolicy.SPOOL;
    /** Where activities are spooled while the database is down. */
    private String spoolDir = "activity-spool";
    /** How long closing the trail may take to flush (the rest is spooled). */
    private Duration shutdownTimeout = Duration.ofSeconds(10);
    /** How long activities are kept. */
    private Duration retention = Duration.ofDays(730);
    /** Monthly partitions made ahead of time. */
    private int partitionsAhead = 3;
    /**
     * How often the store's maintenance runs (partitions ahead and, with {@code retention-enabled},
     * retention); an advisory lock lets one instance of a cluster run it at a time.
     */
    private Duration maintenanceInterval = Duration.ofHours(1);
    /** Whether maintenance runs on its schedule at all. */
    private boolean maintenanceEnabled = true;
    /** Whether scheduled maintenance also deletes what is older than {@code retention}. */
    private boolean retentionEnabled = true;
    /** How long stats are cached per user. */
    private Duration statsCacheTtl = Duration.ofMinutes(5);
    /**
     * Secret that keys the session-id hash (at least 16 bytes). Unset: a random key per process, so
     * hashes differ per instance and per restart (a warning is logged at startup).
     */
    private String sessionIdHashKey;

    private final Pool datasource = new Pool();
    private final Pool readDatasource = new Pool();
    private final Filter filter = new Filter();
    private final Privacy privacy = new Privacy();
    private final Api api = new Api();
    private final Dashboard dashboard = new Dashboard();
    private final Access access = new Access();

    /**
     * A pool of ActivityTrail's own ({@code activity.datasource.*}: writes and, without a replica,
     * reads) or for reads from a replica ({@code activity.read-datasource.*}). Unset: the
     * application's {@code DataSource}, and reads on it too.
     */
    public static class Pool {
        /** The JDBC URL ({@code jdbc:postgresql://...}). */
        private String url;
        private String username = "";
        private String password = "";
        /** Connections in the pool. */
        private int maximumPoolSize = 5;

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public int getMaximumPoolSize() {
            return maximumPoolSize;
        }

        public void setMaximumPoolSize(int maximumPoolSize) {
            this.maximumPoolSize = maximumPoolSize;
        }

        boolean isSet() {
            return url != null && !url.isBlank();
        }
    }

    /** The request filter ({@code ActivityFilter}). */
    public static class Filter {
        /** Whether every request is logged. */
        private boolean enabled = true;
        /** Path patterns to log (all when empty). */
        private List<String> include = new ArrayList<>();
        /** Path patterns not to log, besides the default exclusions (static assets, health checks). */
        private List<String> exclude = new ArrayList<>();
        /** Whether requests without a signed-in user are logged, under the id "anonymous". */
        private boolean logAnonymous;
        /** Proxies (IP addresses or CIDRs) whose forwarded headers are trusted. */
        private List<String> trustedProxies = new ArrayList<>();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public List<String> getInclude() {
            return include;
        }

        public void setInclude(List<String> include) {
            this.include = include;
        }

        public List<String> getExclude() {
            return exclude;
        }

        public void setExclude(List<String> exclude) {
            this.exclude = exclude;
        }

        public boolean isLogAnonymous() {
            return logAnonymous;
        }

        public void setLogAnonymous(boolean logAnonymous) {
            this.logAnonymous = logAnonymous;
        }

        public List<String> getTrustedProxies() {
            return trustedProxies;
        }

        public void setTrustedProxies(List<String> trustedProxies) {
            this.trustedProxies = trustedProxies;
        }
    }

    /** What is stored of personal data ({@code PrivacyPolicy}). */
    public static class Privacy {
        /** IPv4 prefix kept (bits); the rest is zeroed. */
        private int ipMaskV4 = 24;
        /** IPv6 prefix kept (bits). */
        private int ipMaskV6 = 48;
        /** How much of a location is stored. */
        private PrivacyPolicy.LocationPrecision location = PrivacyPolicy.LocationPrecision.CITY;
        /** Metadata keys whose values are redacted (replaces the defaults when set). */
        private List<String> secretKeys = new ArrayList<>(PrivacyPolicy.DEFAULT_SECRET_KEYS);

        public int getIpMaskV4() {
            return ipMaskV4;
        }

        public void setIpMaskV4(int ipMaskV4) {
            this.ipMaskV4 = ipMaskV4;
        }

        public int getIpMaskV6() {
            return ipMaskV6;
        }

        public void setIpMaskV6(int ipMaskV6) {
            this.ipMaskV6 = ipMaskV6;
        }

        public PrivacyPolicy.LocationPrecision getLocation() {
            return location;
        }

        public void setLocation(PrivacyPolicy.LocationPrecision location) {
            this.location = location;
        }

        public List<String> getSecretKeys() {
            return secretKeys;
        }

        public void setSecretKeys(List<String> secretKeys) {
            this.secretKeys = secretKeys;
        }
    }

    /** The JSON API ({@code ActivityApiServlet}). */
    public static class Api {
        /** Whether the JSON API (and the dashboard) is served. */
        private boolean enabled = true;
        /** Where the API is served. */
        private String basePath = "/api/profile/activity";
        /** Timeline and stats calls per caller per window. */
        private int readLimit = 120;
        /** Export calls per caller per window. */
        private int exportLimit = 10;
        /** POST /log calls per caller per window. */
        private int logLimit = 60;
        /** Calls per client IP per window without a signed-in user. */
        private int anonymousLimit = 30;
        /** The window of every rate limit. */
        private Duration rateLimitWindow = Duration.ofMinutes(1);
        /** Prefix of the actions clients may log through POST /log; must not be empty (refused at startup). */
        private String clientActionPrefix = "client.";
        /** Whether GET /health answers anyone (otherwise admins only). */
        private boolean healthOpen;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getBasePath() {
            return basePath;
        }

        public void setBasePath(String basePath) {
            this.basePath = basePath;
        }

        public int getReadLimit() {
            return readLimit;
        }

        public void setReadLimit(int readLimit) {
            this.readLimit = readLimit;
        }

        public int getExportLimit() {
            return exportLimit;
        }

        public void setExportLimit(int exportLimit) {
            this.exportLimit = exportLimit;
        }

        public int getLogLimit() {
            return logLimit;
        }

        public void setLogLimit(int logLimit) {
            this.logLimit = logLimit;
        }

        public int getAnonymousLimit() {
            return anonymousLimit;
        }

        public void setAnonymousLimit(int anonymousLimit) {
            this.anonymousLimit = anonymousLimit;
        }

        public Duration getRateLimitWindow() {
            return rateLimitWindow;
        }

        public void setRateLimitWindow(Duration rateLimitWindow) {
            this.rateLimitWindow = rateLimitWindow;
        }

        public String getClientActionPrefix() {
            return clientActionPrefix;
        }

        public void setClientActionPrefix(String clientActionPrefix) {
            this.clientActionPrefix = clientActionPrefix;
        }

        public boolean isHealthOpen() {
            return healthOpen;
        }

        public void setHealthOpen(boolean healthOpen) {
            this.healthOpen = healthOpen;
        }
    }

    /** The dashboard page, served by the API servlet at {@code {base-path}/dashboard}. */
    public static class Dashboard {
        /** Whether the dashboard is served. */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** Role names of the access policy, matched against the user's authorities (with or without {@code ROLE_}). */
    public static class Access {
        /** Reads and erases anyone's activity. */
        private String adminRole = "admin";
        /** Reads others' activity with the permission below. */
        private String supportRole = "support";
        /** The authority that lets support read other users' activity. */
        private String viewPermission = "view_user_activities";

        public String getAdminRole() {
            return adminRole;
        }

        public void setAdminRole(String adminRole) {
            this.adminRole = adminRole;
        }

        public String getSupportRole() {
            return supportRole;
        }

        public void setSupportRole(String supportRole) {
            this.supportRole = supportRole;
        }

        public String getViewPermission() {
            return viewPermission;
        }

        public void setViewPermission(String viewPermission) {
            this.viewPermission = viewPermission;
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getTable() {
        return table;
    }

    public void setTable(String table) {
        this.table = table;
    }

    public String getSchema() {
        return schema;
    }

    public void setSchema(String schema) {
        this.schema = schema;
    }

    public boolean isMigrate() {
        return migrate;
    }

    public void setMigrate(boolean migrate) {
        this.migrate = migrate;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    public Duration getFlushInterval() {
        return flushInterval;
    }

    public void setFlushInterval(Duration flushInterval) {
        this.flushInterval = flushInterval;
    }

    public int getDeviceCacheSize() {
        return deviceCacheSize;
    }

    public void setDeviceCacheSize(int deviceCacheSize) {
        this.deviceCacheSize = deviceCacheSize;
    }

    public int getQueueCapacity() {
        return queueCapacity;
    }

    public void setQueueCapacity(int queueCapacity) {
        this.queueCapacity = queueCapacity;
    }

    public OverflowPolicy getOverflow() {
        return overflow;
    }

    public void setOverflow(OverflowPolicy overflow) {
        this.overflow = overflow;
    }

    public String getSpoolDir() {
        return spoolDir;
    }

    public void setSpoolDir(String spoolDir) {
        this.spoolDir = spoolDir;
    }

    public Duration getShutdownTimeout() {
        return shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    public Duration getRetention() {
        return retention;
    }

    public void setRetention(Duration retention) {
        this.retention = retention;
    }

    public int getPartitionsAhead() {
        return partitionsAhead;
    }

    public void setPartitionsAhead(int partitionsAhead) {
        this.partitionsAhead = partitionsAhead;
    }

    public Duration getMaintenanceInterval() {
        return maintenanceInterval;
    }

    public void setMaintenanceInterval(Duration maintenanceInterval) {
        this.maintenanceInterval = maintenanceInterval;
    }

    public boolean isMaintenanceEnabled() {
        return maintenanceEnabled;
    }

    public void setMaintenanceEnabled(boolean maintenanceEnabled) {
        this.maintenanceEnabled = maintenanceEnabled;
    }

    public boolean isRetentionEnabled() {
        return retentionEnabled;
    }

    public void setRetentionEnabled(boolean retentionEnabled) {
        this.retentionEnabled = retentionEnabled;
    }

    public Duration getStatsCacheTtl() {
        return statsCacheTtl;
    }

    public void setStatsCacheTtl(Duration statsCacheTtl) {
        this.statsCacheTtl = statsCacheTtl;
    }

    public String getSessionIdHashKey() {
        return sessionIdHashKey;
    }

    public void setSessionIdHashKey(String sessionIdHashKey) {
        this.sessionIdHashKey = sessionIdHashKey;
    }

    public Pool getDatasource() {
        return datasource;
    }

    public Pool getReadDatasource() {
        return readDatasource;
    }

    public Filter getFilter() {
        return filter;
    }

    public Privacy getPrivacy() {
        return privacy;
    }

    public Api getApi() {
        return api;
    }

    public Dashboard getDashboard() {
        return dashboard;
    }

    public Access getAccess() {
        return access;
    }
}
