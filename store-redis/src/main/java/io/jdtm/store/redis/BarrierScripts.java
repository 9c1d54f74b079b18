package io.jdtm.store.redis;

import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The barrier's Lua scripts, run by {@link Link} with {@code EVALSHA} and, when a server does not
 * know one (restarted, failed over, {@code SCRIPT FLUSH}), sent whole with {@code EVAL} (which
 * caches it again). Every script reads all it needs before its first write, so that a refusal
 * leaves nothing behind. Each answers an array of strings. Immutable, thread-safe.
 */
enum BarrierScripts implements LuaScript {
  RUN_CALL(BarrierScripts.CALL),
  RUN_CHECK_BACK(BarrierScripts.CHECK_BACK),
  RUN_PURGE(BarrierScripts.PURGE);

  /**
   * One barrier call. KEYS[1]: the call's row; KEYS[2]: its origin's row (KEYS[1] again when the
   * op has none); KEYS[3..]: effect keys. ARGV[1]: 'probe' (no effects: write only what the rules
   * write without business) or 'apply'; ARGV[2]: '1' when the op has an origin; ARGV[3]: the row
   * value ('reason createdMillis'); ARGV[4]: '1' for a message's local transaction; then four
   * values per step: code, key index, a, b. Codes: g guard (value a), n guard (absent), s set a,
   * d delete, i incrby a, f incrby a refused below floor b. Answers {verdict, details...}.
   */
  static final String CALL = """
      local row = redis.call('GET', KEYS[1])
      if row then
        if ARGV[4] == '1' and string.sub(row, 1, 9) == 'rollback ' then
          return {'rolledback'}
        end
        return {'duplicate'}
      end
      if ARGV[2] == '1' and redis.call('SET', KEYS[2], ARGV[3], 'NX') then
        redis.call('SET', KEYS[1], ARGV[3])
        return {'null'}
      end
      if ARGV[1] == 'probe' then
        return {'run'}
      end
      local MAX = 9007199254740991
      local function int(v)
        if v == false then return 0 end
        if type(v) == 'number' then return v end
        if #v <= 17 and (v == '0' or string.match(v, '^%-?[1-9]%d*$')) then
          local n = tonumber(v)
          if n >= -MAX and n <= MAX then return n end
        end
        return nil
      end
      local sim = {}
      local n = #ARGV
      for i = 5, n, 4 do
        local code, k = ARGV[i], KEYS[tonumber(ARGV[i + 1])]
        local t = redis.call('TYPE', k)['ok']
        if t ~= 'none' and t ~= 'string' then
          return {'wrongtype', k, t}
        end
        if sim[k] == nil then
          sim[k] = redis.call('GET', k)
        end
        local v = sim[k]
        if code == 'g' then
          if v ~= ARGV[i + 2] then return {'conflict', k} end
        elseif code == 'n' then
          if v ~= false then return {'conflict', k} end
        elseif code == 's' then
          sim[k] = ARGV[i + 2]
        elseif code == 'd' then
          sim[k] = false
        else
          local cur = int(v)
          if cur == nil then return {'notinteger', k} end
          local new = cur + tonumber(ARGV[i + 2])
          if new < -MAX or new > MAX then return {'range', k} end
          if code == 'f' and new < tonumber(ARGV[i + 3]) then
            return {'floor', k, string.format('%d', cur)}
          end
          sim[k] = new
        end
      end
      redis.call('SET', KEYS[1], ARGV[3])
      for i = 5, n, 4 do
        local code, k = ARGV[i], KEYS[tonumber(ARGV[i + 1])]
        if code == 's' then
          redis.call('SET', k, ARGV[i + 2])
        elseif code == 'd' then
          redis.call('DEL', k)
        elseif code == 'i' or code == 'f' then
          redis.call('INCRBY', k, ARGV[i + 2])
        end
      end
      return {'applied'}
      """;

  /**
   * The check-back of a message. KEYS[1]: the row of its local transaction; ARGV[1]: the row a
   * check-back writes ('rollback createdMillis'). Answers rolledback-now, rolledback or committed.
   */
  static final String CHECK_BACK = """
      local row = redis.call('GET', KEYS[1])
      if not row then
        redis.call('SET', KEYS[1], ARGV[1])
        return {'rolledback-now'}
      end
      if string.sub(row, 1, 9) == 'rollback ' then
        return {'rolledback'}
      end
      return {'committed'}
      """;

  /** Deletes row KEYS[1] when it was created before ARGV[1] (epoch ms); 1 when it did. */
  static final String PURGE = """
      local row = redis.call('GET', KEYS[1])
      if row then
        local created = tonumber(string.match(row, ' (%d+)$'))
        if created and created < tonumber(ARGV[1]) then
          redis.call('DEL', KEYS[1])
          return {'1'}
        end
      end
      return {'0'}
      """;

  private final byte[] body;
  private final String sha;

  BarrierScripts(String lua) {
    this.body = LuaScript.utf8(lua);
    this.sha = LuaScript.sha1(body);
  }

  @Override
  public byte[] body() {
    return body;
  }

  @Override
  public String sha() {
    return sha;
  }

  /** Runs this script through {@code link}; its answer as strings. */
  List<String> run(Link link, String op, String gid, String[] keys, String... args) {
    List<Object> answer = link.run(this, ScriptOutputType.MULTI, op, gid, utf8(keys),
        utf8(args));
    List<String> strings = new ArrayList<>(answer.size());
    for (Object o : answer) {
      strings.add(o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8)
          : o == null ? null : o.toString());
    }
    return strings;
  }

  /** {@code strings} as UTF-8. */
  static byte[][] utf8(String... strings) {
    byte[][] bytes = new byte[strings.length][];
    for (int i = 0; i < strings.length; i++) {
      bytes[i] = strings[i].getBytes(StandardCharsets.UTF_8);
    }
    return bytes;
  }
}
