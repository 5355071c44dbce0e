// Command empty is the cheapest Go process: the runtime starting and
// exiting. bench times it beside git's C helpers to show what starting any
// Go program costs on the machine (bench/RESULTS.md, "Floors").
package main

func main() {}
