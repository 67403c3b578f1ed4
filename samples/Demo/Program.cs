Console.WriteLine("AgentAuth demo: being built.");
return 1;
