from learnweek.cli import main

main()
