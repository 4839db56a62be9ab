return RandCond.Experiments.LabCommands.Run(args, Console.Out, Console.Error);
