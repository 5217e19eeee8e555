package io.levelmutex.spring.boot.autoconfigure;

import java.util.LinkedHashSet;
import java.util.Set;

import io.levelmutex.MutexStore;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.sql.init.dependency.DatabaseInitializerDetector;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitializationDetector;

/**
 * Every {@link MutexStore} bean depends on database initialisation (Flyway, Liquibase, {@code spring.sql.init}),
 * as Spring Boot's own users of a DataSource do: a PostgreSQL store opens on the migrated database. A store that
 * is a database initializer itself ({@link MutexStoreDatabaseInitializerDetector}, marked by Spring Boot with the
 * detector's attribute before this runs) is ordered among the initializers instead. Registered in
 * {@code META-INF/spring.factories}.
 */
final class MutexStoreDependsOnDatabaseInitializationDetector implements DependsOnDatabaseInitializationDetector {

	@Override
	public Set<String> detect(ConfigurableListableBeanFactory beanFactory) {
		Set<String> names = new LinkedHashSet<>();
		for (String name : beanFactory.getBeanNamesForType(MutexStore.class, true, false)) {
			if (!beanFactory.containsBeanDefinition(name)
					|| !beanFactory.getBeanDefinition(name).hasAttribute(DatabaseInitializerDetector.class.getName())) {
				names.add(name);
			}
		}
		return names;
	}

}
