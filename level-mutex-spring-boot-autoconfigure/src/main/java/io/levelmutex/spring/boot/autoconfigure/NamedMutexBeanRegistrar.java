package io.levelmutex.spring.boot.autoconfigure;

import io.levelmutex.Mutex;
import io.levelmutex.spring.boot.MutexRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers every mutex named under {@code level-mutex.mutexes} as a bean of that name, of
 * type {@code Mutex<K, V>} as its {@code key-codec}, {@code value-codec} and
 * {@code value-type} say ({@code Mutex<byte[], byte[]>} by default), so it can be injected
 * with {@code @Qualifier("orders")}. Each definition names the {@link NamedMutexFactory} bean
 * as factory bean and its {@code mutex(name)} as factory method, so Spring AOT can generate
 * code for it; each depends on that factory, which depends on the {@link MutexRegistry} bean
 * (so a mutex bean is never used after the registry closed it). The registry owns the
 * mutexes: the beans have no destroy method of their own. A {@code Mutex} bean the application already has under the
 * same name wins; any other bean under that name fails startup, naming the clash, since the
 * mutex could then not be injected by name.
 */
final class NamedMutexBeanRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanFactoryAware {

	private static final Log logger = LogFactory.getLog(NamedMutexBeanRegistrar.class);

	private @Nullable Environment environment;

	private @Nullable ConfigurableListableBeanFactory beanFactory;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		if (this.environment == null || this.beanFactory == null) {
			return;
		}
		Binder binder = Binder.get(this.environment);
		ClassLoader classLoader = this.beanFactory.getBeanClassLoader();
		for (String name : MutexDeclarations.names(this.environment)) {
			if (registry.containsBeanDefinition(name)) {
				Class<?> existing = registry.getBeanDefinition(name).getResolvableType().resolve();
				if (existing != null && !Mutex.class.isAssignableFrom(existing)) {
					throw new IllegalStateException("The bean '" + name + "' (" + existing.getName()
							+ ") has the name of the mutex configured under 'level-mutex.mutexes." + name
							+ "', which is registered as a bean of that name for injection with @Qualifier(\""
							+ name + "\"); rename the bean or the mutex");
				}
				logger.info("Not registering mutex '" + name + "' as a bean: the application defines a bean of that name");
				continue;
			}
			MutexBeanType type = MutexBeanType.bind(binder, name, classLoader);
			RootBeanDefinition definition = new RootBeanDefinition();
			definition.setTargetType(type.resolvableType());
			definition.setFactoryBeanName(NamedMutexFactory.BEAN_NAME);
			definition.setFactoryMethodName("mutex");
			definition.getConstructorArgumentValues().addIndexedArgumentValue(0, name);
			definition.setDependsOn(NamedMutexFactory.BEAN_NAME);
			definition.setDestroyMethodName("");
			definition.setDescription("The mutex '" + name + "' of level-mutex.mutexes");
			registry.registerBeanDefinition(name, definition);
		}
	}

}
