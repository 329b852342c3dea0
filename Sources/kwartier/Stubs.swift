// Command groups that other parts of Kwartier fill in. Each stays a clear "not yet" until then.
// (Empty now: `simulate` lives in SimulateCommand.swift.)
