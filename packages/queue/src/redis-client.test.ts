import { describe, expect, it } from 'vitest';
import {
  clusterAddress,
  isClusterAddress,
  isRedisAddress,
  reconnectOnReadonly,
} from './redis-client.ts';
import {
  parseSentinelAddress,
  sentinelAddress,
} from './redis-sentinel-address.ts';

describe('Redis addresses', () => {
  it('one string for a server or a Cluster', () => {
    const cluster = clusterAddress(['10.0.0.1:6379', 'redis-b:7000']);
    expect(cluster).toBe('redis-cluster://10.0.0.1:6379,redis-b:7000');
    expect(isClusterAddress(cluster)).toBe(true);
    expect(isRedisAddress(cluster)).toBe(true);
    expect(isClusterAddress('redis://127.0.0.1:6379')).toBe(false);
    expect(isRedisAddress('rediss://user:pw@host:6380/2')).toBe(true);
    expect(isRedisAddress('http://host:6379')).toBe(false);
    expect(isRedisAddress('redis-cluster://host')).toBe(false);
    expect(isRedisAddress('redis-cluster://')).toBe(false);
  });

  it("a Sentinel address carries the Sentinels, the group name and the data nodes' credentials", () => {
    const address = sentinelAddress(['10.0.0.1:26379', 's-b:26380'], 'queues');
    expect(address).toBe('redis-sentinel://10.0.0.1:26379,s-b:26380/queues');
    expect(isRedisAddress(address)).toBe(true);
    expect(isClusterAddress(address)).toBe(false);
    expect(parseSentinelAddress(address)).toEqual({
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: 's-b', port: 26380 },
      ],
      name: 'queues',
    });
    expect(
      parseSentinelAddress('redis-sentinel://app:p%40ss@h:26379/mymaster'),
    ).toEqual({
      sentinels: [{ host: 'h', port: 26379 }],
      name: 'mymaster',
      username: 'app',
      password: 'p@ss',
    });
    for (const bad of [
      'redis-sentinel://h:26379',
      'redis-sentinel://h:26379/',
      'redis-sentinel:///mymaster',
      'redis-sentinel://h/mymaster',
      'redis-sentinel://h:0/mymaster',
    ])
      expect(isRedisAddress(bad)).toBe(false);
  });

  it('reconnects on READONLY (a demoted primary), on nothing else', () => {
    expect(
      reconnectOnReadonly(
        new Error("READONLY You can't write against a read only replica."),
      ),
    ).toBe(1);
    // Inside a script (every BullMQ write), as Redis reports it.
    expect(
      reconnectOnReadonly(
        new Error(
          "ERR Error running script (call to f_1): @user_script:1: -READONLY You can't write against a read only replica.",
        ),
      ),
    ).toBe(1);
    expect(reconnectOnReadonly(new Error('OOM command not allowed'))).toBe(
      false,
    );
  });
});
