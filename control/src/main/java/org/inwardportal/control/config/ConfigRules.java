package org.inwardportal.control.config;

/** Rules that involve more than one key. */
final class ConfigRules {
    static final int MIN_API_SECRET_LENGTH = 16;

    private ConfigRules() {
    }

    static void check(Config config) throws ConfigException {
        String host = config.get(ConfigKeys.HTTP_HOST);
        var secret = config.find(ConfigKeys.API_SECRET);
        if (secret.isEmpty() && !ValueTypes.isLoopback(host)) {
            throw new ConfigException(ConfigKeys.API_SECRET.name() + ": required when http.host (" + host
                    + ") is not a loopback address; set it in the config file or " + ConfigKeys.API_SECRET.envName());
        }
        if (config.find(ConfigKeys.API_GITHUB_SECRET).isPresent() != config.find(ConfigKeys.API_GITHUB_CHANNEL).isPresent()) {
            boolean hasSecret = config.find(ConfigKeys.API_GITHUB_SECRET).isPresent();
            throw new ConfigException((hasSecret ? ConfigKeys.API_GITHUB_CHANNEL : ConfigKeys.API_GITHUB_SECRET).name() + ": required with "
                    + (hasSecret ? ConfigKeys.API_GITHUB_SECRET : ConfigKeys.API_GITHUB_CHANNEL).name()
                    + " (the GitHub webhook needs both its secret and the channel to post in)");
        }
        var publicUrl = config.find(ConfigKeys.HTTP_PUBLIC_URL);
        if (publicUrl.isPresent() && !publicUrl.get().matches("https?://[^\\s/]+(/\\S*)?")) {
            throw ConfigException.forKey(ConfigKeys.HTTP_PUBLIC_URL.name(), "must be an http:// or https:// URL, got '" + publicUrl.get() + "'",
                    config.sourceOf(ConfigKeys.HTTP_PUBLIC_URL));
        }
        var uro = config.find(ConfigKeys.URO_URL);
        if (uro.isPresent() && !uro.get().matches("https?://[^\\s/]+(/\\S*)?")) {
            throw ConfigException.forKey(ConfigKeys.URO_URL.name(), "must be an http:// or https:// URL, got '" + uro.get() + "'",
                    config.sourceOf(ConfigKeys.URO_URL));
        }
        var cert = config.find(ConfigKeys.SIGNALING_TLS_CERTIFICATE);
        var key = config.find(ConfigKeys.SIGNALING_TLS_KEY);
        if (cert.isPresent() != key.isPresent()) {
            ConfigKey<?> missing = cert.isPresent() ? ConfigKeys.SIGNALING_TLS_KEY : ConfigKeys.SIGNALING_TLS_CERTIFICATE;
            throw new ConfigException(missing.name() + ": required with " + (cert.isPresent() ? ConfigKeys.SIGNALING_TLS_CERTIFICATE.name()
                    : ConfigKeys.SIGNALING_TLS_KEY.name()) + " (wss:// needs both the certificate and its key)");
        }
        for (var file : new java.nio.file.Path[] {cert.orElse(null), key.orElse(null)}) {
            if (file != null && !java.nio.file.Files.isReadable(file)) {
                ConfigKey<?> k = file == cert.orElse(null) ? ConfigKeys.SIGNALING_TLS_CERTIFICATE : ConfigKeys.SIGNALING_TLS_KEY;
                throw ConfigException.forKey(k.name(), "cannot read " + file, config.sourceOf(k));
            }
        }
        for (Secret token : config.get(ConfigKeys.DISCORD_TOKENS)) {
            if (token.reveal().chars().anyMatch(Character::isWhitespace)) {
                throw ConfigException.forKey(ConfigKeys.DISCORD_TOKENS.name(),
                        "a token contains white space; give the bare token, without 'Bot '", config.sourceOf(ConfigKeys.DISCORD_TOKENS));
            }
        }
        if (secret.isPresent() && secret.get().length() < MIN_API_SECRET_LENGTH) {
            throw ConfigException.forKey(ConfigKeys.API_SECRET.name(),
                    "too short, use at least " + MIN_API_SECRET_LENGTH + " characters", config.sourceOf(ConfigKeys.API_SECRET));
        }
    }
}
