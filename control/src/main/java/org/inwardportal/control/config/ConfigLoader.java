package org.inwardportal.control.config;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Builds the effective {@link Config}: defaults, then the YAML file, then {@code PORTAL_*}
 * environment variables, each overriding the one before. Any problem becomes a one-line
 * {@link ConfigException} naming the key (or file) and the reason.
 */
public final class ConfigLoader {
    /** Larger files are refused rather than parsed: a config file is a few hundred bytes. */
    static final long MAX_FILE_BYTES = 1 << 20;

    private ConfigLoader() {
    }

    public static Config load(Path file, Map<String, String> env) throws ConfigException {
        Map<String, Config.Entry> entries = new LinkedHashMap<>();
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            if (key.defaultValue() != null) {
                entries.put(key.name(), new Config.Entry(key.defaultValue(), "default"));
            }
        }
        if (file != null) {
            String source = file.toString();
            for (Map.Entry<String, Object> e : readYaml(file).entrySet()) {
                ConfigKey<?> key = ConfigKeys.BY_NAME.get(e.getKey());
                if (key == null) {
                    throw ConfigException.forKey(e.getKey(), "unknown key" + suggestion(e.getKey()), source);
                }
                if (e.getValue() != null) {
                    entries.put(key.name(), new Config.Entry(parse(key, e.getValue(), source), source));
                }
            }
        }
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(ConfigKey.ENV_PREFIX) || name.equals(ConfigKeys.ENV_CONFIG_FILE)) {
                continue;
            }
            ConfigKey<?> key = ConfigKeys.BY_ENV.get(name);
            if (key == null) {
                throw new ConfigException(name + ": unknown environment variable, no such configuration key"
                        + envSuggestion(name));
            }
            entries.put(key.name(), new Config.Entry(parse(key, e.getValue(), name), name));
        }
        Config config = new Config(entries);
        ConfigRules.check(config);
        return config;
    }

    /** The file named by --config, else by PORTAL_CONFIG, else none. */
    public static Path chooseFile(Path option, Map<String, String> env) {
        if (option != null) {
            return option;
        }
        String fromEnv = env.get(ConfigKeys.ENV_CONFIG_FILE);
        return fromEnv == null || fromEnv.isBlank() ? null : Path.of(fromEnv);
    }

    private static Object parse(ConfigKey<?> key, Object raw, String source) throws ConfigException {
        try {
            return key.type().parse(raw);
        } catch (IllegalArgumentException e) {
            throw ConfigException.forKey(key.name(), e.getMessage(), source);
        }
    }

    private static Map<String, Object> readYaml(Path file) throws ConfigException {
        String text;
        try {
            if (Files.isDirectory(file)) {
                throw new ConfigException("config file " + file + ": is a folder, not a file");
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new ConfigException("config file " + file + ": larger than 1 MiB, refused");
            }
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + ": does not exist");
        } catch (MalformedInputException e) {
            throw new ConfigException("config file " + file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new ConfigException("config file " + file + ": cannot be read (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
        Object doc;
        try {
            LoadSettings settings = LoadSettings.builder()
                    .setLabel(file.toString())
                    .setAllowDuplicateKeys(false)
                    .setMaxAliasesForCollections(10)
                    .build();
            doc = new Load(settings).loadFromString(text);
        } catch (MarkedYamlEngineException e) {
            Mark mark = e.getProblemMark().orElse(null);
            String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            throw new ConfigException("config file " + file + ": not valid YAML" + where + ": " + oneLine(e.getProblem()));
        } catch (YamlEngineException e) {
            throw new ConfigException("config file " + file + ": not valid YAML: " + oneLine(e.getMessage()));
        }
        if (doc == null) {
            return Map.of();
        }
        if (!(doc instanceof Map<?, ?> map)) {
            throw new ConfigException("config file " + file + ": must be a mapping of keys to values (e.g. 'http:\\n  port: 8480')");
        }
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", map, flat, file);
        return flat;
    }

    /** {@code {http: {port: 1}}} and {@code {"http.port": 1}} both become {@code http.port}. */
    private static void flatten(String prefix, Map<?, ?> map, Map<String, Object> out, Path file) throws ConfigException {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String name = prefix + e.getKey();
            if (e.getValue() instanceof Map<?, ?> nested && !ConfigKeys.BY_NAME.containsKey(name)) {
                flatten(name + ".", nested, out, file);
            } else if (out.put(name, e.getValue()) != null) {
                throw ConfigException.forKey(name, "given twice", file.toString());
            }
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }

    private static String suggestion(String unknown) {
        String best = closest(unknown, ConfigKeys.BY_NAME.keySet().stream().toList());
        return best == null ? "" : "; did you mean '" + best + "'?";
    }

    private static String envSuggestion(String unknown) {
        String best = closest(unknown, ConfigKeys.BY_ENV.keySet().stream().toList());
        return best == null ? "" : "; did you mean " + best + "?";
    }

    private static String closest(String word, List<String> candidates) {
        String best = null;
        int bestDistance = 4;
        for (String c : candidates) {
            int d = editDistance(word, c);
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best;
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
