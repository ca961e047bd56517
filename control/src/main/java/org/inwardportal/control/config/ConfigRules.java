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
