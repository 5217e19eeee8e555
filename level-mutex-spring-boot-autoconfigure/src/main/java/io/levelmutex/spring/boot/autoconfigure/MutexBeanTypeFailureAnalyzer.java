package io.levelmutex.spring.boot.autoconfigure;

import java.lang.annotation.Annotation;
import java.util.Map;

import io.levelmutex.Mutex;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.InjectionPoint;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.UnsatisfiedDependencyException;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.MethodParameter;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;

/**
 * Explains a startup failure where a {@code Mutex<K, V>} injection point names a configured
 * mutex ({@code @Qualifier("orders")}, or a parameter or field of that name) but asks for
 * other generic types than the mutex's codecs give it: names the mutex, the type asked for
 * and the configured type, and the properties that set it.
 */
class MutexBeanTypeFailureAnalyzer extends AbstractFailureAnalyzer<NoSuchBeanDefinitionException>
		implements Ordered {

	private static final Bindable<Map<String, Object>> MUTEX_NAMES = Bindable.mapOf(String.class, Object.class);

	private final Environment environment;

	MutexBeanTypeFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, NoSuchBeanDefinitionException cause) {
		UnsatisfiedDependencyException unsatisfied = findCause(rootFailure, UnsatisfiedDependencyException.class);
		InjectionPoint injectionPoint = (unsatisfied != null) ? unsatisfied.getInjectionPoint() : null;
		ResolvableType wanted = cause.getResolvableType();
		if (injectionPoint == null || wanted == null || !Mutex.class.equals(wanted.toClass())) {
			return null;
		}
		String name = mutexName(injectionPoint);
		Binder binder = Binder.get(this.environment);
		if (name == null || !binder.bind("level-mutex.mutexes", MUTEX_NAMES).orElse(Map.of()).containsKey(name)) {
			return null;
		}
		MutexBeanType configured = MutexBeanType.bind(binder, name, getClass().getClassLoader());
		if (wanted.isAssignableFrom(configured.resolvableType())) {
			return null;
		}
		String description = "The mutex '" + name + "' is a bean of type " + configured.describe() + " (from '"
				+ MutexBeanType.property(name, "key-codec") + "', '" + MutexBeanType.property(name, "value-codec")
				+ "' and '" + MutexBeanType.property(name, "value-type") + "'), but " + describe(injectionPoint)
				+ " asks for " + MutexBeanType.describe(wanted) + ".";
		String action = "Inject the mutex '" + name + "' as " + configured.describe()
				+ ", or change its codecs under 'level-mutex.mutexes." + name + "' to give it the type "
				+ MutexBeanType.describe(wanted) + ".";
		return new FailureAnalysis(description, action, cause);
	}

	private static @Nullable String mutexName(InjectionPoint injectionPoint) {
		for (Annotation annotation : injectionPoint.getAnnotations()) {
			if (annotation instanceof Qualifier qualifier && !qualifier.value().isEmpty()) {
				return qualifier.value();
			}
		}
		if (injectionPoint.getField() != null) {
			return injectionPoint.getField().getName();
		}
		return (injectionPoint.getMethodParameter() != null) ? injectionPoint.getMethodParameter().getParameterName()
				: null;
	}

	private static String describe(InjectionPoint injectionPoint) {
		if (injectionPoint.getField() != null) {
			return "field '" + injectionPoint.getField().getName() + "' of "
					+ injectionPoint.getField().getDeclaringClass().getName();
		}
		MethodParameter parameter = injectionPoint.getMethodParameter();
		if (parameter == null) {
			return "an injection point";
		}
		String executable = (parameter.getExecutable() instanceof java.lang.reflect.Constructor<?>) ? "constructor"
				: "method '" + parameter.getExecutable().getName() + "'";
		return "parameter " + parameter.getParameterIndex() + " of " + executable + " of "
				+ parameter.getDeclaringClass().getName();
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
