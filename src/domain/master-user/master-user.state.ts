import { MasterFsmState, MasterUserEvent, ReplyTarget } from './master-user.events';

export interface AttachedBot {
  botId: number;
  username: string;
}

export interface MasterUserState {
  registered: boolean;
  masterId: number | null;
  fsm: MasterFsmState;
  bots: AttachedBot[];
  respondingTo: ReplyTarget | null;
}

export const initialMasterUserState = (): MasterUserState => ({
  registered: false,
  masterId: null,
  fsm: 'Main',
  bots: [],
  respondingTo: null,
});

export function evolveMasterUser(state: MasterUserState, event: MasterUserEvent): MasterUserState {
  switch (event.type) {
    case 'MasterRegistered':
      return { ...state, registered: true, masterId: event.data.masterId };
    case 'StateChanged':
      return {
        ...state,
        fsm: event.data.to,
        respondingTo: event.data.to === 'Responding' ? state.respondingTo : null,
      };
    case 'ClientBotAttached':
      return {
        ...state,
        bots: [...state.bots.filter((b) => b.botId !== event.data.botId), { botId: event.data.botId, username: event.data.username }],
      };
    case 'ClientBotDetached':
      return { ...state, bots: state.bots.filter((b) => b.botId !== event.data.botId) };
    case 'ReplyStarted':
      return { ...state, respondingTo: event.data.target };
    case 'WelcomeShown':
    case 'RemovalOptionsOffered':
    case 'ReplySent':
    case 'CommandRejected':
      return state;
  }
}
