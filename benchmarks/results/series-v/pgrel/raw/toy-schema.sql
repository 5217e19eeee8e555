--
-- PostgreSQL database dump
--

\restrict 2hq6xwGUKjyEaaouhSMWaFx6YeGorXg54E29dDKBhyQMzGqrVw0dvIDNWNK3AyN

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: ks; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.ks (
    id integer NOT NULL,
    seq bigint
);


ALTER TABLE public.ks OWNER TO postgres;

--
-- Name: kv2; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.kv2 (
    ks integer NOT NULL,
    k integer NOT NULL,
    v bigint
);


ALTER TABLE public.kv2 OWNER TO postgres;

--
-- Name: ks ks_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.ks
    ADD CONSTRAINT ks_pkey PRIMARY KEY (id);


--
-- Name: kv2 kv2_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.kv2
    ADD CONSTRAINT kv2_pkey PRIMARY KEY (ks, k);


--
-- Name: kv2_v_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX kv2_v_idx ON public.kv2 USING btree (v);


--
-- PostgreSQL database dump complete
--

\unrestrict 2hq6xwGUKjyEaaouhSMWaFx6YeGorXg54E29dDKBhyQMzGqrVw0dvIDNWNK3AyN

CREATE OR REPLACE FUNCTION public.f2(p_ks integer, p_k integer)
 RETURNS bigint
 LANGUAGE plpgsql
 SET plan_cache_mode TO 'force_generic_plan'
AS $function$
declare s bigint; begin update ks set seq = seq+1 where id=p_ks returning seq into s;
insert into kv2 select p_ks, p_k + g, s from generate_series(0,5) g on conflict (ks,k) do update set v = excluded.v; return s; end $function$

CREATE OR REPLACE FUNCTION public.f3(p_ks integer, p_k integer)
 RETURNS integer
 LANGUAGE plpgsql
 SET plan_cache_mode TO 'force_generic_plan'
AS $function$
declare s bigint; held int := 0; begin
  perform 1 from ks where id = p_ks for update skip locked;
  if not found then
    held := 1;
    perform set_config('synchronous_commit','off',true);
  end if;
  update ks set seq = seq+1 where id=p_ks returning seq into s;
  insert into kv2 select p_ks, p_k + g, s from generate_series(0,5) g on conflict (ks,k) do update set v = excluded.v; return held; end $function$

CREATE OR REPLACE PROCEDURE public.p2(IN p_ks integer, IN p_k integer, INOUT o_seq bigint DEFAULT NULL::bigint)
 LANGUAGE plpgsql
AS $procedure$
begin
  perform set_config('synchronous_commit','off',true);
  o_seq := f2(p_ks, p_k);
  commit;
  perform pg_logical_emit_message(true,'level-mutex','');
end $procedure$

CREATE OR REPLACE FUNCTION public.f(p_k integer)
 RETURNS bigint
 LANGUAGE plpgsql
 SET plan_cache_mode TO 'force_generic_plan'
AS $function$
declare s bigint; begin update ks set seq = seq+1 where id=1 returning seq into s; insert into kv values (p_k, s) on conflict (k) do update set v = excluded.v; return s; end $function$

CREATE OR REPLACE PROCEDURE public.p(IN p_k integer, INOUT o_seq bigint DEFAULT NULL::bigint)
 LANGUAGE plpgsql
AS $procedure$
begin
  perform set_config('synchronous_commit','off',true);
  o_seq := f(p_k);
  commit;
  perform pg_logical_emit_message(true,'level-mutex','');
end $procedure$

CREATE OR REPLACE PROCEDURE public.p_noflush(IN p_k integer, INOUT o_seq bigint DEFAULT NULL::bigint)
 LANGUAGE plpgsql
AS $procedure$
begin
  perform set_config('synchronous_commit','off',true);
  o_seq := f(p_k);
  commit;
end $procedure$

