package io.levelmutex.spring.boot.autoconfigure;

import io.levelmutex.Mutex;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.core.ResolvableType;

/**
 * Contributes Jackson binding hints for the value type of every {@code Mutex<K, V>} bean
 * whose values are JSON (a value type other than {@code byte[]}, {@code String} or a Jackson
 * tree), so that a native image can encode and decode them.
 */
class MutexBeanAotProcessor implements BeanRegistrationAotProcessor {

	@Override
	public @Nullable BeanRegistrationAotContribution processAheadOfTime(RegisteredBean registeredBean) {
		Class<?> valueType = jsonValueType(registeredBean.getBeanType());
		if (valueType == null) {
			return null;
		}
		return (generationContext, code) -> new BindingReflectionHintsRegistrar()
			.registerReflectionHints(generationContext.getRuntimeHints().reflection(), valueType);
	}

	static @Nullable Class<?> jsonValueType(ResolvableType beanType) {
		if (!Mutex.class.isAssignableFrom(beanType.toClass())) {
			return null;
		}
		Class<?> value = beanType.as(Mutex.class).getGeneric(1).resolve();
		if (value == null || value == byte[].class || value == String.class || value == Object.class
				|| value.getName().startsWith("tools.jackson.")) {
			return null;
		}
		return value;
	}

}
