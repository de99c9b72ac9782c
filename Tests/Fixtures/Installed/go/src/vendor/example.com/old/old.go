package old
func Name() string { return "old" }
