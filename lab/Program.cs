return RandCond.Cli.Lab.LabCommands.Run(args, Console.Out, Console.Error);
