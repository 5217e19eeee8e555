package io.levelmutex.postgres;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

/**
 * A DataSource that counts the connections it hands out and the statements executed on them (every
 * {@code execute*} call on a statement, and {@code commit}), to prove round-trip claims.
 */
final class CountingDataSource extends ForwardingDataSource {

	final AtomicInteger connections = new AtomicInteger();

	final AtomicInteger executions = new AtomicInteger();

	CountingDataSource(DataSource target) {
		super(target);
	}

	@Override
	public Connection getConnection() throws SQLException {
		this.connections.incrementAndGet();
		return wrap(this.target.getConnection());
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		this.connections.incrementAndGet();
		return wrap(this.target.getConnection(username, password));
	}

	private Connection wrap(Connection connection) {
		return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
				(proxy, method, args) -> {
					if (method.getName().equals("unwrap")) {
						return connection.unwrap((Class<?>) args[0]);
					}
					Object result = invoke(connection, method, args);
					if (result instanceof java.sql.Statement statement) {
						return wrapStatement(statement, method.getReturnType());
					}
					return result;
				});
	}

	private Object wrapStatement(java.sql.Statement statement, Class<?> type) {
		return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { type }, (proxy, method, args) -> {
			if (method.getName().startsWith("execute")) {
				this.executions.incrementAndGet();
			}
			return invoke(statement, method, args);
		});
	}

	private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

}
