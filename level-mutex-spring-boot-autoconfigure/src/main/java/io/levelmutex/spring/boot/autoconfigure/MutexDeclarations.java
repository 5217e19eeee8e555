package io.levelmutex.spring.boot.autoconfigure;

import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.levelmutex.spring.boot.autoconfigure.LevelMutexProperties.MutexSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.BindResult;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.Bindable.BindRestriction;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Which mutexes are declared under {@code level-mutex.mutexes}, from every property source.
 *
 * <p>A mutex is declared by its name appearing under {@code level-mutex.mutexes.<name>} in any
 * source: with an empty value ({@code orders:}) or with any setting. Spring Boot finds map keys
 * in environment variables only in its canonical form, dashes removed
 * ({@code LEVELMUTEX_MUTEXES_ORDERS_DURABLE}); the form with the prefix's dash as an underscore
 * ({@code LEVEL_MUTEX_MUTEXES_ORDERS_DURABLE}) is found only for a key declared elsewhere.
 * This class also declares a mutex from that second form: the variable's tail is split at the
 * longest known setting ({@code _DURABLE}, {@code _MAX_VALUE_SIZE} or {@code _MAXVALUESIZE},
 * ...), the rest is the mutex's name, lower-cased with underscores as dashes
 * ({@code LEVEL_MUTEX_MUTEXES_ORDER_LINES_DURABLE}: {@code order-lines});
 * {@code LEVEL_MUTEX_MUTEXES_ORDERS=} with an
 * empty value declares {@code orders}. A variable under that prefix that names no setting and
 * has a value fails startup, naming it, rather than being ignored.
 */
final class MutexDeclarations {

	private static final String PROPERTY_PREFIX = "level-mutex.mutexes";

	private static final String VARIABLE_PREFIX = "LEVEL_MUTEX_MUTEXES_";

	private MutexDeclarations() {
	}

	/**
	 * The names of every declared mutex, in the order Spring Boot binds them, then those only
	 * found in {@code LEVEL_MUTEX_MUTEXES_*} variables.
	 * @param environment the environment
	 * @return the names
	 * @throws InvalidConfigurationPropertyValueException for a variable under
	 * {@code LEVEL_MUTEX_MUTEXES_} that names no setting
	 */
	static Set<String> names(Environment environment) {
		Set<String> names = new LinkedHashSet<>(Binder.get(environment)
			.bind(PROPERTY_PREFIX, Bindable.mapOf(String.class, Object.class))
			.orElse(Map.of())
			.keySet());
		names.addAll(variableNames(environment));
		return names;
	}

	/**
	 * The settings of every declared mutex: those Spring Boot bound into the properties, and
	 * for a mutex declared only by a {@code LEVEL_MUTEX_MUTEXES_*} variable, its settings
	 * bound from every source.
	 * @param properties the bound properties
	 * @param environment the environment
	 * @return the settings by name, in declaration order
	 */
	static Map<String, MutexSettings> settings(LevelMutexProperties properties, Environment environment) {
		Map<String, MutexSettings> result = new LinkedHashMap<>(properties.getMutexes());
		Binder binder = Binder.get(environment);
		for (String name : variableNames(environment)) {
			if (!result.containsKey(name)) {
				BindResult<MutexSettings> bound = binder.bind(PROPERTY_PREFIX + "." + name,
						Bindable.of(MutexSettings.class).withBindRestrictions(BindRestriction.NO_DIRECT_PROPERTY));
				result.put(name, bound.orElseGet(MutexSettings::new));
			}
		}
		return result;
	}

	private static Set<String> variableNames(Environment environment) {
		Set<String> names = new LinkedHashSet<>();
		if (!(environment instanceof ConfigurableEnvironment configurable)) {
			return names;
		}
		List<String> settings = settingVariableSuffixes();
		for (PropertySource<?> source : configurable.getPropertySources()) {
			if (source instanceof SystemEnvironmentPropertySource variables) {
				for (String variable : variables.getPropertyNames()) {
					String name = mutexName(variable, variables.getProperty(variable), settings);
					if (name != null) {
						names.add(name);
					}
				}
			}
		}
		return names;
	}

	private static @Nullable String mutexName(String variable, @Nullable Object value, List<String> settings) {
		if (!variable.toUpperCase(Locale.ROOT).startsWith(VARIABLE_PREFIX)) {
			return null;
		}
		String tail = variable.substring(VARIABLE_PREFIX.length()).toUpperCase(Locale.ROOT);
		for (String setting : settings) {
			if (tail.endsWith("_" + setting) && tail.length() > setting.length() + 1) {
				return name(tail.substring(0, tail.length() - setting.length() - 1));
			}
		}
		if (!tail.isEmpty() && (value == null || value.toString().isBlank())) {
			return name(tail);
		}
		throw new InvalidConfigurationPropertyValueException(variable, value,
				"the environment variable names no mutex setting: declare a mutex with " + VARIABLE_PREFIX
						+ "<NAME>= (empty) or set one with " + VARIABLE_PREFIX + "<NAME>_<SETTING>, where <SETTING> is"
						+ " one of " + String.join(", ", settings));
	}

	/** A mutex name from its variable form: lower case, underscores as dashes. */
	private static String name(String variableForm) {
		return variableForm.toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/** Every setting of a mutex in environment-variable form, longest first. */
	private static List<String> settingVariableSuffixes() {
		List<String> suffixes = new ArrayList<>();
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(MutexSettings.class)) {
			if (descriptor.getWriteMethod() != null) {
				String dashed = DataObjectPropertyName.toDashedForm(descriptor.getName()).toUpperCase(Locale.ROOT);
				suffixes.add(dashed.replace('-', '_'));
				if (dashed.indexOf('-') >= 0) {
					suffixes.add(dashed.replace("-", ""));
				}
			}
		}
		suffixes.sort(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));
		return suffixes;
	}

}
