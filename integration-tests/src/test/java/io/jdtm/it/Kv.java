package io.jdtm.it;

/** Named long values inside one local transaction of a participant's database. */
interface Kv {
  long get(String key) throws Exception;

  void add(String key, long delta) throws Exception;
}
