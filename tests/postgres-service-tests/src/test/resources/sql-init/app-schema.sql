CREATE TABLE stock_audit (id bigint PRIMARY KEY, note text);
