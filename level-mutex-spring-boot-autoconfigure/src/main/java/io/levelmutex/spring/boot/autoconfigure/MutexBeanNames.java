package io.levelmutex.spring.boot.autoconfigure;

import java.util.Collection;

import io.levelmutex.Mutex;

import org.springframework.beans.factory.ListableBeanFactory;

/**
 * Checks that no bean of another type has the name of a declared mutex: each declared mutex is
 * a bean of its name (for {@code @Qualifier("orders")}), so a bean such as
 * {@code @Component class Orders} under that name would silently hide it.
 */
final class MutexBeanNames {

	private MutexBeanNames() {
	}

	/**
	 * Fails if a bean that is not a {@link Mutex} has the name of a declared mutex. A
	 * {@code Mutex} bean of the application's own under that name is allowed (it wins).
	 * @param beanFactory the bean factory
	 * @param mutexNames the declared mutexes
	 * @throws IllegalStateException naming the bean, its type and the mutex's property
	 */
	static void checkNoClash(ListableBeanFactory beanFactory, Collection<String> mutexNames) {
		for (String name : mutexNames) {
			if (beanFactory.containsBean(name) && !beanFactory.isTypeMatch(name, Mutex.class)) {
				Class<?> type = beanFactory.getType(name, false);
				throw new IllegalStateException("The bean '" + name + "' ("
						+ ((type != null) ? type.getName() : "of unknown type")
						+ ") has the name of the mutex configured under 'level-mutex.mutexes." + name
						+ "', which is registered as a bean of that name for injection with @Qualifier(\"" + name
						+ "\"); rename the bean or the mutex");
			}
		}
	}

}
