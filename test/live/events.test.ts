/**
 * Conversation events as they cross Redis: JSON on the wire, `Date`s revived on arrival, the
 * agent-side state's last look included.
 */
import { describe, expect, it } from 'vitest';
import type { ConversationRecord } from '../../src/core/records.js';
import { fromWireConversation, toWireConversation } from '../../src/live/events.js';

const RECORD: ConversationRecord = {
  externalId: '19',
  title: 'Thermostat drops off the Wi-Fi',
  status: 'OPEN',
  upstreamStatus: 'open',
  createdAt: new Date('2026-03-09T10:00:00Z'),
  updatedAt: new Date('2026-03-09T12:30:00Z'),
  cursorKey: '19',
  agentState: {
    unreadCount: 2,
    lastSeenAt: new Date('2026-03-09T12:00:00Z'),
    assignee: { id: '1', name: 'Priya Raman', kind: 'AGENT', idScope: 'user' },
    labels: ['warranty'],
    priority: 'HIGH',
  },
};

describe('conversation events on the wire', () => {
  it('revive every date, the agent-side last look included', () => {
    const arrived = fromWireConversation(JSON.parse(JSON.stringify(toWireConversation(RECORD))));
    expect(arrived).toEqual(RECORD);
    expect(arrived.agentState?.lastSeenAt).toBeInstanceOf(Date);
  });

  it('carry records without agent-side state unchanged', () => {
    const { agentState: _state, ...plain } = RECORD;
    expect(fromWireConversation(JSON.parse(JSON.stringify(toWireConversation(plain))))).toEqual(plain);
  });
});
