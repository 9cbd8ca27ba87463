// The replica disk; see WriteAheadLog.swift.
