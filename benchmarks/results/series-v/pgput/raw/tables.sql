CREATE TABLE batch_p (LIKE level_mutex_batch INCLUDING ALL);
CREATE TABLE batch_o (LIKE level_mutex_batch INCLUDING ALL);
CREATE TABLE batch_u (LIKE level_mutex_batch INCLUDING ALL);
CREATE TABLE batch_b (LIKE level_mutex_batch INCLUDING ALL);
CREATE TABLE batch_1 (LIKE level_mutex_batch INCLUDING ALL);
ALTER TABLE batch_1 DROP CONSTRAINT batch_1_pkey;
CREATE TABLE batch_b1 (LIKE batch_1 INCLUDING ALL);
